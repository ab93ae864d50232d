package org.fluvia.codec.flv;

import java.io.ByteArrayOutputStream;

/** Test helper that writes bit fields and Exp-Golomb codes MSB first. */
final class Bits {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int count;

    Bits u(int bits, long value) {
        for (int i = bits - 1; i >= 0; i--) {
            current = current << 1 | (int) (value >> i & 1);
            if (++count == 8) {
                out.write(current);
                current = 0;
                count = 0;
            }
        }
        return this;
    }

    Bits ue(long value) {
        long code = value + 1;
        int length = 64 - Long.numberOfLeadingZeros(code);
        u(length - 1, 0);
        return u(length, code);
    }

    Bits se(long value) {
        return ue(value > 0 ? 2 * value - 1 : -2 * value);
    }

    /** Appends the RBSP stop bit and zero alignment, and returns the bytes. */
    byte[] rbsp() {
        u(1, 1);
        return bytes();
    }

    /** Pads with zero bits to a byte boundary and returns the bytes. */
    byte[] bytes() {
        while (count != 0) {
            u(1, 0);
        }
        return out.toByteArray();
    }

    /** Inserts emulation-prevention bytes as an H.264 encoder must. */
    static byte[] escape(byte[] rbsp) {
        ByteArrayOutputStream nal = new ByteArrayOutputStream();
        int zeros = 0;
        for (byte value : rbsp) {
            int b = value & 0xFF;
            if (zeros >= 2 && b <= 3) {
                nal.write(3);
                zeros = 0;
            }
            nal.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return nal.toByteArray();
    }
}
