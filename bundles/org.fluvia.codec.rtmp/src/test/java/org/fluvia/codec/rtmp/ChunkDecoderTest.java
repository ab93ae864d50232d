package org.fluvia.codec.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkDecoderTest {

    private static final byte[] A200 = Bytes.filled(200, 1);
    private static final byte[] B150 = Bytes.filled(150, 2);

    /** "type/csid/ts/stream/hex" for each message read; every message is released. */
    static List<String> read(EmbeddedChannel ch) {
        List<String> result = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            RtmpMessage m = (RtmpMessage) o;
            try {
                result.add(describe(m.typeId(), m.csid(), m.timestamp(), m.streamId(),
                        ByteBufUtil.hexDump(m.payload())));
            } finally {
                m.release();
            }
        }
        return result;
    }

    static String describe(int type, int csid, int ts, int stream, String hex) {
        return type + "/" + csid + "/" + Integer.toUnsignedString(ts) + "/" + stream + "/" + hex;
    }

    static String describe(int type, int csid, int ts, int stream, byte[] payload) {
        return describe(type, csid, ts, stream, ByteBufUtil.hexDump(payload));
    }

    private static byte[] range(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    private static List<String> decode(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<String> messages = read(ch);
        assertFalse(ch.finish());
        return messages;
    }

    private static final byte[] FMT_0_TO_3 = Bytes.concat(
            Bytes.array("03 000064 000005 14 01000000 68656c6c6f"),
            Bytes.array("43 000021 000003 08 616263"),
            Bytes.array("83 00000A 78797a"),
            Bytes.array("C3 646566"));

    @Test
    void decodesEachHeaderFormatWithTimestampDeltas() {
        assertEquals(List.of(
                describe(20, 3, 100, 1, "68656c6c6f"),
                describe(8, 3, 133, 1, "616263"),
                describe(8, 3, 143, 1, "78797a"),
                describe(8, 3, 153, 1, "646566")), decode(FMT_0_TO_3));
    }

    @Test
    void assemblesAMessageFromAFmt3Continuation() {
        byte[] bytes = Bytes.concat(Bytes.array("04 0003E8 0000C8 09 01000000"), range(A200, 0, 128),
                Bytes.array("C4"), range(A200, 128, 200));

        assertEquals(List.of(describe(9, 4, 1000, 1, A200)), decode(bytes));
    }

    @Test
    void readsTheExtendedTimestampRepeatedOnAFmt3Continuation() {
        byte[] bytes = Bytes.concat(Bytes.array("04 FFFFFF 0000C8 09 01000000 01000000"), range(A200, 0, 128),
                Bytes.array("C4 01000000"), range(A200, 128, 200));

        assertEquals(List.of(describe(9, 4, 0x01000000, 1, A200)), decode(bytes));
    }

    @Test
    void acceptsAFmt3ContinuationWithoutTheExtendedTimestamp() {
        byte[] bytes = Bytes.concat(Bytes.array("04 FFFFFF 0000C8 09 01000000 01000000"), range(A200, 0, 128),
                Bytes.array("C4"), range(A200, 128, 200));

        assertEquals(List.of(describe(9, 4, 0x01000000, 1, A200)), decode(bytes));
    }

    @Test
    void appliesExtendedDeltasAndRepeatsThemForFmt3Messages() {
        byte[] bytes = Bytes.concat(
                Bytes.array("05 000000 000001 08 01000000 AA"),
                Bytes.array("45 FFFFFF 000001 08 FF000000 BB"),
                Bytes.array("C5 FF000000 CC"));

        assertEquals(List.of(
                describe(8, 5, 0, 1, "aa"),
                describe(8, 5, 0xFF000000, 1, "bb"),
                describe(8, 5, 0xFE000000, 1, "cc")), decode(bytes), "the 32-bit timestamp wraps");
    }

    @ParameterizedTest(name = "csid {0}")
    @CsvSource({"2, 02", "63, 3F", "64, 0000", "319, 00FF", "320, 010001", "65599, 01FFFF"})
    void decodesEveryBasicHeaderForm(int csid, String basicHeader) {
        byte[] bytes = Bytes.concat(Bytes.array(basicHeader), Bytes.array("000007 000001 08 00000000 AA"));

        assertEquals(List.of(describe(8, csid, 7, 0, "aa")), decode(bytes));
    }

    @Test
    void switchesToTheChunkSizeThePeerSets() {
        byte[] big = Bytes.filled(1000, 3);
        byte[] bytes = Bytes.concat(Bytes.array("02 000000 000004 01 00000000 00001000"),
                Bytes.array("04 000000 0003E8 09 01000000"), big);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());

        ch.writeInbound(Unpooled.wrappedBuffer(bytes));

        assertEquals(List.of(describe(1, 2, 0, 0, "00001000"), describe(9, 4, 0, 1, big)), read(ch));
        assertEquals(4096, ((ChunkDecoder) ch.pipeline().first()).chunkSize());
        assertFalse(ch.finish());
    }

    private static final byte[] INTERLEAVED = Bytes.concat(
            Bytes.array("04 000010 0000C8 09 01000000"), range(A200, 0, 128),
            Bytes.array("06 000020 000096 08 01000000"), range(B150, 0, 128),
            Bytes.array("C4"), range(A200, 128, 200),
            Bytes.array("C6"), range(B150, 128, 150));

    @Test
    void reassemblesInterleavedChunkStreams() {
        assertEquals(List.of(describe(9, 4, 16, 1, A200), describe(8, 6, 32, 1, B150)), decode(INTERLEAVED));
    }

    @Test
    void oneByteAtATimeDecodesLikeAllAtOnce() {
        byte[] all = Bytes.concat(FMT_0_TO_3, INTERLEAVED,
                Bytes.array("07 FFFFFF 0000C8 09 01000000 01000000"), range(A200, 0, 128),
                Bytes.array("C7 01000000"), range(A200, 128, 200),
                Bytes.array("01FFFF 000007 000001 08 00000000 AA"));
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());

        for (byte b : all) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        List<String> expected = decode(all);
        assertEquals(8, expected.size());
        assertEquals(expected, read(ch));
        assertEquals(all.length, ((ChunkDecoder) ch.pipeline().first()).bytesRead());
        assertFalse(ch.finish());
    }

    @Test
    void abortDropsThePartialMessageOfThatChunkStream() {
        byte[] bytes = Bytes.concat(Bytes.array("04 000000 0000C8 09 01000000"), range(A200, 0, 128),
                Bytes.array("02 000000 000004 02 00000000 00000004"),
                Bytes.array("04 000010 000002 08 01000000 BBBB"));

        assertEquals(List.of(describe(2, 2, 0, 0, "00000004"), describe(8, 4, 16, 1, "bbbb")), decode(bytes));
    }

    @ParameterizedTest(name = "chunk size {0}")
    @CsvSource({"00000000, 0", "80000000, 2147483648", "FFFFFFFF, 4294967295"})
    void rejectsAnInvalidChunkSize(String value, String shown) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());
        ByteBuf in = Bytes.hex("02 000000 000004 01 00000000 " + value + " 04");

        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> ch.writeInbound(in));

        assertEquals("invalid chunk size " + shown, e.getMessage());
        assertFalse(ch.isOpen());
        assertEquals(0, in.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void rejectsAMessageOverTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1000));
        ByteBuf in = Bytes.hex("04 000000 0003E9 09 01000000 0102");

        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> ch.writeInbound(in));

        assertEquals("message of 1001 bytes exceeds the limit 1000", e.getMessage());
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void rejectsTooManyPartialMessagesAndReleasesThem() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 20, 2));
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.concat(
                Bytes.array("04 000000 0000C8 09 01000000"), range(A200, 0, 128),
                Bytes.array("05 000000 0000C8 09 01000000"), range(A200, 0, 128))));
        ByteBuf third = Unpooled.wrappedBuffer(Bytes.concat(Bytes.array("06 000000 0000C8 09 01000000"), range(A200, 0, 128)));

        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> ch.writeInbound(third));

        assertEquals("more than 2 chunk streams carry partial messages", e.getMessage());
        assertFalse(ch.finish());
    }

    @Test
    void rejectsADeltaHeaderOnAnUnknownChunkStream() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());

        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> ch.writeInbound(Bytes.hex("44 000000 000001 08 AA")));

        assertEquals("chunk stream 4: fmt 1 chunk before any fmt 0 header", e.getMessage());
        assertFalse(ch.finish());
    }

    @Test
    void rejectsANewHeaderWhileAMessageIsIncomplete() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());
        ByteBuf in = Unpooled.wrappedBuffer(Bytes.concat(Bytes.array("04 000000 0000C8 09 01000000"), range(A200, 0, 128),
                Bytes.array("04 000000 000001 08 01000000 AA")));

        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> ch.writeInbound(in));

        assertEquals("chunk stream 4: fmt 0 header while a message of 200 bytes is incomplete (128 received)",
                e.getMessage());
        assertFalse(ch.finish());
    }

    @Test
    void releasesPartialMessagesWhenTheChannelCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.concat(Bytes.array("04 000000 0000C8 09 01000000"),
                range(A200, 0, 128))));

        assertEquals(List.of(), read(ch));
        // Paranoid leak detection reports the partial buffer if closing did not release it.
        assertFalse(ch.finish());
    }
}
