package org.fluvia.codec.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlMessagesTest {

    /** "type/csid/ts/stream/hex" of a control message, which is released. */
    private static String describe(RtmpMessage m) {
        try {
            return ChunkDecoderTest.describe(m.typeId(), m.csid(), m.timestamp(), m.streamId(),
                    ByteBufUtil.hexDump(m.payload()));
        } finally {
            m.release();
        }
    }

    @Test
    void protocolControlMessagesCarryTheSpecifiedBodiesOnChunkStream2() {
        assertEquals("1/2/0/0/00001000", describe(ProtocolControl.setChunkSize(4096)));
        assertEquals("2/2/0/0/00000005", describe(ProtocolControl.abort(5)));
        assertEquals("3/2/0/0/00000005", describe(ProtocolControl.acknowledgement(0x1_0000_0005L)), "wraps at 2^32");
        assertEquals("5/2/0/0/002625a0", describe(ProtocolControl.windowAckSize(2_500_000)));
        assertEquals("6/2/0/0/002625a002", describe(ProtocolControl.setPeerBandwidth(2_500_000, ProtocolControl.LIMIT_DYNAMIC)));
    }

    @Test
    void setChunkSizeRefusesValuesOutsideTheSpecifiedRange() {
        assertThrows(IllegalArgumentException.class, () -> ProtocolControl.setChunkSize(0));
        assertThrows(IllegalArgumentException.class, () -> ProtocolControl.setChunkSize(0x80000000));
    }

    @Test
    void userControlMessagesCarryEventTypeAndData() {
        assertEquals("4/2/0/0/000000000001", describe(UserControl.streamBegin(1)));
        assertEquals("4/2/0/0/000100000001", describe(UserControl.streamEof(1)));
        assertEquals("4/2/0/0/000200000001", describe(UserControl.streamDry(1)));
        assertEquals("4/2/0/0/000300000001000007d0", describe(UserControl.setBufferLength(1, 2000)));
        assertEquals("4/2/0/0/000400000001", describe(UserControl.streamIsRecorded(1)));
        assertEquals("4/2/0/0/000600003039", describe(UserControl.pingRequest(12345)));
        assertEquals("4/2/0/0/000700003039", describe(UserControl.pingResponse(12345)));
    }

    @Test
    void decodesUserControlEvents() {
        ByteBuf bufferLength = Bytes.hex("0003 00000001 00000BB8");
        ByteBuf unknown = Bytes.hex("001A");
        ByteBuf truncated = Bytes.hex("0003 00000001 0000");

        assertEquals(new UserControlEvent(3, 1, 3000), UserControlEvent.decode(bufferLength));
        assertEquals(0, bufferLength.readerIndex(), "decode does not consume");
        assertEquals(new UserControlEvent(26, 0, 0), UserControlEvent.decode(unknown));
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> UserControlEvent.decode(truncated));
        assertEquals("user control event 3 of 8 bytes is too short; it needs 10", e.getMessage());
        bufferLength.release();
        unknown.release();
        truncated.release();
    }

    private static ByteBuf chunked(RtmpMessage message) {
        try {
            return ChunkEncoder.encode(ByteBufAllocator.DEFAULT, message.typeId(), message.csid(), message.timestamp(),
                    message.streamId(), message.payload(), 128);
        } finally {
            message.release();
        }
    }

    private static List<String> decodeOutbound(EmbeddedChannel ch) {
        EmbeddedChannel peer = new EmbeddedChannel(new ChunkDecoder());
        for (Object o; (o = ch.readOutbound()) != null; ) {
            peer.writeInbound(o);
        }
        List<String> messages = ChunkDecoderTest.read(peer);
        assertFalse(peer.finish());
        return messages;
    }

    private static EmbeddedChannel acknowledgingChannel() {
        ChunkDecoder decoder = new ChunkDecoder();
        return new EmbeddedChannel(decoder, new ChunkEncoder(), new AcknowledgementHandler(decoder));
    }

    @Test
    void acknowledgesOnceAWindowOfBytesHasArrived() {
        EmbeddedChannel ch = acknowledgingChannel();
        ByteBuf window = chunked(ProtocolControl.windowAckSize(100));
        ByteBuf audio = chunked(new RtmpMessage(8, 4, 0, 1, Unpooled.wrappedBuffer(Bytes.filled(120, 0))));
        int total = window.readableBytes() + audio.readableBytes();

        ch.writeInbound(window);
        assertNull(ch.readOutbound(), "16 bytes do not fill a window of 100");
        ch.writeInbound(audio);

        assertEquals(List.of(ChunkDecoderTest.describe(3, 2, 0, 0, String.format("%08x", total))), decodeOutbound(ch));
        assertEquals(2, ChunkDecoderTest.read(ch).size(), "both messages are passed on");
        assertFalse(ch.finish());
    }

    @Test
    void answersAPingRequestAndSwallowsIt() {
        EmbeddedChannel ch = acknowledgingChannel();

        ch.writeInbound(chunked(UserControl.pingRequest(12345)));

        assertEquals(List.of("4/2/0/0/000700003039"), decodeOutbound(ch));
        assertEquals(List.of(), ChunkDecoderTest.read(ch));
        assertFalse(ch.finish());
    }
}
