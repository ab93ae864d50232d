package org.fluvia.codec.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregateTest {

    // FLV tags: type, size(3), timestamp(3) + extension(1), stream id(3), body, back pointer(4).
    private static final String VIDEO_TAG = "09 000005 FFFFF0 00 000000 1700000000 00000010";
    private static final String AUDIO_TAG = "08 000003 000010 01 000000 AF0102 0000000E";

    /** The aggregate as the chunk decoder delivers it; the caller releases it. */
    private static RtmpMessage receive(String body) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());
        ch.writeInbound(ChunkEncoder.encode(ByteBufAllocator.DEFAULT, MessageType.AGGREGATE, 6, 5000, 1,
                Bytes.hex(body), 128));
        RtmpMessage aggregate = ch.readInbound();
        assertFalse(ch.finish());
        return aggregate;
    }

    private static List<String> describe(List<RtmpMessage> parts) {
        List<String> result = new ArrayList<>();
        for (RtmpMessage m : parts) {
            result.add(ChunkDecoderTest.describe(m.typeId(), m.csid(), m.timestamp(), m.streamId(),
                    ByteBufUtil.hexDump(m.payload())));
            m.release();
        }
        return result;
    }

    @Test
    void splitsTagsAndRebasesTheirTimestampsOnTheAggregates() {
        RtmpMessage aggregate = receive(VIDEO_TAG + AUDIO_TAG);

        List<RtmpMessage> parts = Aggregate.split(aggregate);

        assertEquals(3, aggregate.refCnt(), "each part holds a reference");
        assertEquals(List.of("9/6/5000/1/1700000000", "8/6/5032/1/af0102"), describe(parts),
                "0x01000010 is 32 ms after 0x00FFFFF0");
        assertEquals(1, aggregate.refCnt());
        aggregate.release();
    }

    @Test
    void toleratesAMissingLastBackPointer() {
        RtmpMessage aggregate = receive(VIDEO_TAG + "08 000003 000010 01 000000 AF0102");

        assertEquals(2, describe(Aggregate.split(aggregate)).size());
        aggregate.release();
    }

    @Test
    void rejectsATagRunningPastTheEndWithoutLeaking() {
        RtmpMessage aggregate = receive(VIDEO_TAG + "08 000009 000010 01 000000 AF0102 0000000E");

        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> Aggregate.split(aggregate));

        assertEquals("aggregate: tag of 9 bytes at offset 20 runs past the end (7 bytes left)", e.getMessage());
        assertEquals(1, aggregate.refCnt(), "the first part was released");
        aggregate.release();
    }

    @Test
    void rejectsATruncatedTagHeader() {
        RtmpMessage aggregate = receive(VIDEO_TAG + "08 000003");

        assertThrows(RtmpProtocolException.class, () -> Aggregate.split(aggregate));
        assertEquals(1, aggregate.refCnt());
        aggregate.release();
    }

    @Test
    void anEmptyAggregateHasNoParts() {
        RtmpMessage aggregate = new RtmpMessage(MessageType.AGGREGATE, 6, 0, 1, Unpooled.EMPTY_BUFFER);

        assertEquals(List.of(), Aggregate.split(aggregate));
    }
}
