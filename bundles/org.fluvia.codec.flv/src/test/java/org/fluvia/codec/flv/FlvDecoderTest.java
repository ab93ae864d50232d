package org.fluvia.codec.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlvDecoderTest {

    /** Decoded tag contents, copied so the tags can be released at once. */
    private record Decoded(int type, int timestamp, String body) {
    }

    private static List<Decoded> drain(EmbeddedChannel ch) {
        List<Decoded> result = new ArrayList<>();
        for (FlvTag tag; (tag = ch.readInbound()) != null; ) {
            try {
                result.add(new Decoded(tag.type(), tag.timestamp(), ByteBufUtil.hexDump(tag.body())));
            } finally {
                tag.release();
            }
        }
        return result;
    }

    private static List<Decoded> decodeWhole(byte[] flv) {
        EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(flv));
        List<Decoded> tags = drain(ch);
        assertFalse(ch.finish());
        return tags;
    }

    @Test
    void decodesEveryTagOfARealFile() {
        List<Decoded> tags = decodeWhole(Fixtures.bytes("v360.flv"));
        assertEquals(28, tags.size(), "onMetaData, the sequence header, 25 frames and end of sequence");
        assertEquals(FlvTags.SCRIPT, tags.get(0).type());
        assertEquals(FlvTags.VIDEO, tags.get(1).type());
        assertTrue(tags.get(1).body().startsWith("1700000000"), "AVC keyframe sequence header first");
        assertEquals(960, tags.get(26).timestamp(), "25 fps: the 25th frame at 960 ms");
        assertEquals("1702000000", tags.get(27).body(), "ffmpeg ends with an AVC end-of-sequence tag");
    }

    @Test
    void feedingOneByteAtATimeGivesTheSameTagsAsFeedingAtOnce() {
        byte[] flv = Fixtures.bytes("a44.flv");
        EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder());
        for (byte b : flv) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<Decoded> byteByByte = drain(ch);
        assertFalse(ch.finish());
        List<Decoded> whole = decodeWhole(flv);
        assertTrue(whole.size() > 5);
        assertEquals(whole, byteByByte);
    }

    @Test
    void writtenTagsDecodeBackIncludingExtendedTimestamps() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        ByteBuf body = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("af01cafe"));
        EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder());
        ch.writeInbound(FlvTags.header(alloc, true, false));
        ch.writeInbound(FlvTags.tag(alloc, FlvTags.AUDIO, 0x7FFFFFFF, body));
        ch.writeInbound(FlvTags.tag(alloc, FlvTags.AUDIO, 0x80000001, body));
        body.release();
        assertEquals(List.of(new Decoded(FlvTags.AUDIO, 0x7FFFFFFF, "af01cafe"), new Decoded(FlvTags.AUDIO, 0x80000001, "af01cafe")),
                drain(ch));
        assertFalse(ch.finish());
    }

    @Test
    void tagBodiesAreRetainedSlicesNotCopies() {
        ByteBuf input = Unpooled.wrappedBuffer(Fixtures.bytes("a48.flv"));
        EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder());
        ch.writeInbound(input);
        FlvTag first = ch.readInbound();
        try {
            assertTrue(first.body().unwrap() != null, "a slice shares the input's memory");
            assertEquals(first.body().unwrap().refCnt(), first.refCnt(), "and its reference count");
        } finally {
            first.release();
        }
        drain(ch);
        assertFalse(ch.finish());
    }

    @Test
    void badSignatureIsRejectedAndTheDecoderStops() {
        EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder());
        FlvFormatException e = assertThrows(FlvFormatException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer("FLX\u0001\u0005".getBytes())));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
        // Even a valid stream afterwards produces nothing: the decoder has given up.
        ch.writeInbound(Unpooled.wrappedBuffer(Fixtures.bytes("a48.flv")));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void wrongVersionIsRejected() {
        EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder());
        assertThrows(FlvFormatException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("464c56020500000009"))));
        assertFalse(ch.finish());
    }

    @Test
    void oversizedTagIsRejectedBeforeItIsBuffered() {
        EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder(115));
        ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("464c5601010000000900000000")));
        // Only the 11-byte header of a tag with a 101-byte body (116 bytes in all): rejected without waiting for the body.
        FlvFormatException e = assertThrows(FlvFormatException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0900006500000000000000"))));
        assertTrue(e.getMessage().contains("limit of 115"), e.getMessage());
        assertFalse(ch.finish());
    }

    @Test
    void unknownTagTypeAndEncryptedTagsAreRejected() {
        for (String tagHeader : List.of("0700000000000000000000", "2800000000000000000000")) {
            EmbeddedChannel ch = new EmbeddedChannel(new FlvDecoder());
            ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("464c5601010000000900000000")));
            assertThrows(FlvFormatException.class,
                    () -> ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(tagHeader))), tagHeader);
            assertFalse(ch.finish());
        }
    }

    @Test
    void readerReturnsTheSameTagsAsTheDecoderAndLeavesInputAlone() {
        byte[] flv = Fixtures.bytes("v720.flv");
        ByteBuf input = Unpooled.wrappedBuffer(flv);
        List<FlvTag> tags = FlvReader.readAll(input);
        try {
            List<Decoded> decoded = decodeWhole(flv);
            assertEquals(decoded.size(), tags.size());
            for (int i = 0; i < tags.size(); i++) {
                assertEquals(decoded.get(i).timestamp(), tags.get(i).timestamp());
                assertArrayEquals(ByteBufUtil.decodeHexDump(decoded.get(i).body()), ByteBufUtil.getBytes(tags.get(i).body()));
            }
            assertEquals(0, input.readerIndex());
        } finally {
            tags.forEach(FlvTag::release);
            assertEquals(1, input.refCnt(), "every slice released");
            input.release();
        }
    }

    @Test
    void readerAcceptsTagsWithoutFileHeaderAndRejectsATruncatedTag() {
        ByteBuf body = Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1});
        ByteBuf tag = FlvTags.tag(ByteBufAllocator.DEFAULT, FlvTags.AUDIO, 5, body);
        try {
            List<FlvTag> tags = FlvReader.readAll(tag);
            assertEquals(1, tags.size());
            assertEquals(5, tags.get(0).timestamp());
            tags.forEach(FlvTag::release);
            ByteBuf doubled = Unpooled.wrappedBuffer(tag.retainedDuplicate(), tag.retainedSlice(0, 12));
            try {
                assertThrows(FlvFormatException.class, () -> FlvReader.readAll(doubled));
            } finally {
                doubled.release();
            }
            assertEquals(1, tag.refCnt(), "the complete first tag was released on failure");
        } finally {
            tag.release();
            body.release();
        }
    }
}
