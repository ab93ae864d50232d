package org.fluvia.codec.ts;

import io.netty.buffer.ByteBuf;

/**
 * The CRC_32 of PSI sections (ISO/IEC 13818-1 Annex A): polynomial 0x04C11DB7, initial value 0xFFFFFFFF,
 * bits processed most significant first (no reflection), no final XOR. A section followed by its CRC gives 0.
 */
final class Crc32Mpeg2 {
    private static final int POLYNOMIAL = 0x04C11DB7;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ POLYNOMIAL : crc << 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc32Mpeg2() {
    }

    /**
     * @param buf the data; indices untouched
     * @param index absolute index of the first byte
     * @param length number of bytes
     * @return the CRC as a 32-bit value
     */
    static int compute(ByteBuf buf, int index, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = index, end = index + length; i < end; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ buf.getUnsignedByte(i)) & 0xFF];
        }
        return crc;
    }
}
