package org.fluvia.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class FlvTagsTest {
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private String header(boolean audio, boolean video) {
        ByteBuf header = FlvTags.header(alloc, audio, video);
        try {
            assertEquals(FlvTags.HEADER_SIZE, header.capacity());
            return ByteBufUtil.hexDump(header);
        } finally {
            header.release();
        }
    }

    private String tag(int type, int timestamp, String bodyHex) {
        ByteBuf body = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(bodyHex));
        ByteBuf tag = FlvTags.tag(alloc, type, timestamp, body);
        try {
            assertEquals(FlvTags.tagSize(body.readableBytes()), tag.capacity(), "exactly sized");
            assertEquals(0, body.readerIndex(), "body not consumed");
            assertEquals(1, body.refCnt(), "body not released");
            return ByteBufUtil.hexDump(tag);
        } finally {
            tag.release();
            body.release();
        }
    }

    @Test
    void headerBytesAreExactForEachTrackCombination() {
        assertEquals("464c560105" + "00000009" + "00000000", header(true, true));
        assertEquals("464c560104" + "00000009" + "00000000", header(true, false));
        assertEquals("464c560101" + "00000009" + "00000000", header(false, true));
        assertEquals("464c560100" + "00000009" + "00000000", header(false, false));
    }

    @Test
    void tagBytesAreHeaderBodyAndPreviousTagSize() {
        assertEquals("09" + "000005" + "012345" + "00" + "000000" + "1700000000" + "00000010",
                tag(FlvTags.VIDEO, 0x012345, "1700000000"));
        assertEquals("08" + "000002" + "000000" + "00" + "000000" + "af00" + "0000000d", tag(FlvTags.AUDIO, 0, "af00"));
        assertEquals("12" + "000000" + "000000" + "00" + "000000" + "0000000b", tag(FlvTags.SCRIPT, 0, ""));
    }

    @Test
    void timestampAboveTwentyFourBitsUsesTheExtendedByte() {
        assertEquals("08" + "000001" + "345678" + "12" + "000000" + "af" + "0000000c", tag(FlvTags.AUDIO, 0x12345678, "af"));
        assertEquals("08" + "000001" + "ffffff" + "ff" + "000000" + "af" + "0000000c", tag(FlvTags.AUDIO, -1, "af"));
        assertEquals("08" + "000001" + "000000" + "01" + "000000" + "af" + "0000000c", tag(FlvTags.AUDIO, 0x1000000, "af"));
    }

    @Test
    void writeTagCopiesOnlyTheReadableBytesOfTheBody() {
        ByteBuf body = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("ff17ff"));
        body.readerIndex(1).writerIndex(2);
        ByteBuf out = Unpooled.buffer();
        try {
            FlvTags.writeTag(out, FlvTags.VIDEO, 1, body);
            assertEquals("09" + "000001" + "000001" + "00" + "000000" + "17" + "0000000c", ByteBufUtil.hexDump(out));
            assertEquals(1, body.readerIndex());
        } finally {
            out.release();
            body.release();
        }
    }

    @Test
    void tagSizeAddsHeaderAndPreviousTagSize() {
        assertEquals(15, FlvTags.tagSize(0));
        assertEquals(20, FlvTags.tagSize(5));
    }

    @Test
    void invalidTagTypeAndOversizedBodyAreRejected() {
        ByteBuf out = Unpooled.buffer();
        ByteBuf small = Unpooled.buffer(1).writeByte(0);
        ByteBuf huge = Unpooled.buffer(FlvTags.MAX_BODY_SIZE + 1);
        huge.writerIndex(FlvTags.MAX_BODY_SIZE + 1);
        try {
            assertThrows(IllegalArgumentException.class, () -> FlvTags.writeTag(out, 32, 0, small));
            assertThrows(IllegalArgumentException.class, () -> FlvTags.writeTag(out, FlvTags.VIDEO, 0, huge));
            assertThrows(IllegalArgumentException.class, () -> FlvTags.tag(alloc, FlvTags.VIDEO, 0, huge));
            assertEquals(0, out.writerIndex(), "nothing written on failure");
        } finally {
            out.release();
            small.release();
            huge.release();
        }
    }
}
