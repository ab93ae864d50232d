package org.fluvia.codec.flv;

/** MSB-first bit reader with Exp-Golomb codes over a byte array, failing with FlvFormatException past the end. */
final class BitReader {
    private final byte[] data;
    private final String what;
    private long position;

    BitReader(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    int bit() {
        if (position >= (long) data.length * 8) {
            throw new FlvFormatException(what + " ends too early (after " + position + " bits)");
        }
        int b = data[(int) (position >> 3)] >> (7 - (int) (position & 7)) & 1;
        position++;
        return b;
    }

    boolean flag() {
        return bit() == 1;
    }

    /** Reads up to 32 bits as an unsigned value. */
    long bits(int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = value << 1 | bit();
        }
        return value;
    }

    int u(int count) {
        return (int) bits(count);
    }

    /** ue(v), limited to 32 leading zeros: anything longer cannot be a valid syntax element. */
    long ue() {
        int leadingZeros = 0;
        while (bit() == 0) {
            if (++leadingZeros > 31) {
                throw new FlvFormatException(what + ": Exp-Golomb code longer than 32 bits at bit " + position);
            }
        }
        return (1L << leadingZeros) - 1 + bits(leadingZeros);
    }

    /** ue(v) that must lie within 0..max. */
    int ue(String field, long max) {
        long v = ue();
        if (v > max) {
            throw new FlvFormatException(what + ": " + field + " = " + v + " exceeds " + max);
        }
        return (int) v;
    }

    /** se(v). */
    long se() {
        long k = ue();
        return (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
    }
}
