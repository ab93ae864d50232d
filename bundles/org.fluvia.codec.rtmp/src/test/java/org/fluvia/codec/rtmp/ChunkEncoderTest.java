package org.fluvia.codec.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkEncoderTest {

    private static byte[] encode(int type, int csid, int ts, int stream, byte[] payload, int chunkSize) {
        ByteBuf in = Unpooled.wrappedBuffer(payload);
        try {
            ByteBuf out = ChunkEncoder.encode(ByteBufAllocator.DEFAULT, type, csid, ts, stream, in, chunkSize);
            assertEquals(out.capacity(), out.readableBytes(), "exactly sized");
            return Bytes.drain(out);
        } finally {
            in.release();
        }
    }

    @Test
    void encodesASingleChunkMessageWithAFmt0Header() {
        assertArrayEquals(Bytes.array("03 000064 000005 14 01000000 68656c6c6f"),
                encode(20, 3, 100, 1, Bytes.array("68656c6c6f"), 128));
    }

    @Test
    void continuesWithFmt3Chunks() {
        byte[] payload = Bytes.filled(300, 4);

        assertArrayEquals(Bytes.concat(Bytes.array("04 0003E8 00012C 09 01000000"), Arrays.copyOfRange(payload, 0, 128),
                        Bytes.array("C4"), Arrays.copyOfRange(payload, 128, 256),
                        Bytes.array("C4"), Arrays.copyOfRange(payload, 256, 300)),
                encode(9, 4, 1000, 1, payload, 128));
    }

    @Test
    void repeatsTheExtendedTimestampOnFmt3Chunks() {
        byte[] payload = Bytes.filled(200, 4);

        assertArrayEquals(Bytes.concat(Bytes.array("04 FFFFFF 0000C8 09 01000000 00FFFFFF"), Arrays.copyOfRange(payload, 0, 128),
                        Bytes.array("C4 00FFFFFF"), Arrays.copyOfRange(payload, 128, 200)),
                encode(9, 4, 0xFFFFFF, 1, payload, 128));
    }

    @ParameterizedTest(name = "csid {0}")
    @CsvSource({"2, 02, C2", "64, 0000, C000", "319, 00FF, C0FF", "320, 010001, C10001", "65599, 01FFFF, C1FFFF"})
    void writesEveryBasicHeaderForm(int csid, String fmt0, String fmt3) {
        assertArrayEquals(Bytes.array(fmt0 + "000000 000002 08 00000000 AA" + fmt3 + "BB"),
                encode(8, csid, 0, 0, Bytes.array("AABB"), 1));
    }

    @Test
    void encodingIsDeterministicAndLeavesThePayloadAlone() {
        ByteBuf payload = Unpooled.wrappedBuffer(Bytes.filled(1000, 7));
        ByteBuf first = ChunkEncoder.encode(ByteBufAllocator.DEFAULT, 9, 6, 5, 1, payload, 128);
        ByteBuf second = ChunkEncoder.encode(ByteBufAllocator.DEFAULT, 9, 6, 5, 1, payload, 128);

        assertEquals(first, second);
        assertEquals(0, payload.readerIndex());
        assertEquals(1, payload.refCnt());
        first.release();
        second.release();
        payload.release();
    }

    @Test
    void rejectsChunkStreamIdsOutsideTheEncodableRange() {
        ByteBuf payload = Unpooled.buffer(0);
        assertThrows(IllegalArgumentException.class,
                () -> ChunkEncoder.encode(ByteBufAllocator.DEFAULT, 8, 1, 0, 0, payload, 128));
        assertThrows(IllegalArgumentException.class,
                () -> ChunkEncoder.encode(ByteBufAllocator.DEFAULT, 8, 65600, 0, 0, payload, 128));
    }

    @Test
    void appliesAnOutboundSetChunkSizeToTheMessagesAfterIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder());
        byte[] payload = Bytes.filled(300, 1);

        ch.writeOutbound(ProtocolControl.setChunkSize(4096), new RtmpMessage(9, 4, 0, 1, Unpooled.wrappedBuffer(payload)));

        assertArrayEquals(Bytes.concat(Bytes.array("02 000000 000004 01 00000000 00001000"),
                Bytes.array("04 000000 00012C 09 01000000"), payload), Bytes.outbound(ch));
        assertEquals(4096, ((ChunkEncoder) ch.pipeline().first()).chunkSize());
        assertFalse(ch.finish());
    }

    @Test
    void passesPreEncodedBuffersThroughUntouched() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder());
        ByteBuf preEncoded = Bytes.hex("04 000000 000001 08 01000000 AA");

        ch.writeOutbound(preEncoded);

        ByteBuf written = ch.readOutbound();
        assertSame(preEncoded, written);
        written.release();
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "{0} bytes in chunks of {1}, ts {2}")
    @CsvSource({
        "0, 128, 0", "1, 128, 1", "127, 128, 2", "128, 128, 3", "129, 128, 4", "4095, 4096, 16777214",
        "4096, 4096, 16777215", "4097, 4096, 4294967295", "20000, 1, 40", "70000, 128, 50", "70000, 65536, 60",
        "100000, 60000, 70"})
    void roundTripsThroughTheDecoder(int size, int chunkSize, long ts) {
        EmbeddedChannel encoder = new EmbeddedChannel(new ChunkEncoder());
        EmbeddedChannel decoder = new EmbeddedChannel(new ChunkDecoder());
        byte[] a = Bytes.filled(size, 1);
        byte[] b = Bytes.filled(size / 2, 2);

        encoder.writeOutbound(ProtocolControl.setChunkSize(chunkSize),
                new RtmpMessage(9, 6, (int) ts, 1, Unpooled.wrappedBuffer(a)),
                new RtmpMessage(8, 4, (int) ts + 1, 1, Unpooled.wrappedBuffer(b)),
                new RtmpMessage(9, 6, (int) ts + 2, 1, Unpooled.wrappedBuffer(a)));
        for (ByteBuf buf; (buf = encoder.readOutbound()) != null; ) {
            decoder.writeInbound(buf);
        }

        List<String> expected = new ArrayList<>();
        expected.add(ChunkDecoderTest.describe(1, 2, 0, 0, String.format("%08x", chunkSize)));
        expected.add(ChunkDecoderTest.describe(9, 6, (int) ts, 1, a));
        expected.add(ChunkDecoderTest.describe(8, 4, (int) ts + 1, 1, b));
        expected.add(ChunkDecoderTest.describe(9, 6, (int) ts + 2, 1, a));
        assertEquals(expected, ChunkDecoderTest.read(decoder));
        assertFalse(encoder.finish());
        assertFalse(decoder.finish());
    }
}
