package org.fluvia.codec.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Crc32Mpeg2Test {

    @Test
    void matchesTheCheckValueOfTheCatalogue() {
        ByteBuf data = Unpooled.copiedBuffer("123456789", StandardCharsets.US_ASCII);
        try {
            assertEquals(0x0376E6E7, Crc32Mpeg2.compute(data, 0, 9));
        } finally {
            data.release();
        }
    }

    @Test
    void computesOverTheGivenRangeOnly() {
        ByteBuf data = Unpooled.copiedBuffer("xx123456789yy", StandardCharsets.US_ASCII);
        try {
            assertEquals(0x0376E6E7, Crc32Mpeg2.compute(data, 2, 9));
            assertEquals(0, data.readerIndex());
        } finally {
            data.release();
        }
    }

    @Test
    void reproducesTheCrcOfFfmpegsWellKnownPat() {
        // ffmpeg's default PAT (transport_stream_id 1, program 1 on PID 0x1000) ends in 2A B1 04 B2.
        ByteBuf section = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00b00d0001c100000001f0002ab104b2"));
        try {
            assertEquals(0x2AB104B2, Crc32Mpeg2.compute(section, 0, 12));
            assertEquals(0, Crc32Mpeg2.compute(section, 0, 16), "a section followed by its CRC gives 0");
        } finally {
            section.release();
        }
    }
}
