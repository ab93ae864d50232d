package org.fluvia.codec.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeTest {

    private static final byte[] TAIL = Bytes.array(
            "F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE");
    private static final byte[] FP_KEY = Bytes.concat(
            "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII), TAIL);
    private static final byte[] FMS_KEY = Bytes.concat(
            "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII), TAIL);

    /** Records user events; every inbound message is passed on to the channel's inbound queue. */
    static final class EventRecorder extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    // Independent of the production code on purpose: the test computes the published algorithm itself.
    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static int offset(byte[] packet, int base) {
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += packet[base + i] & 0xFF;
        }
        return base + 4 + sum % 728;
    }

    private static byte[] withoutDigest(byte[] packet, int at) {
        return Bytes.concat(Arrays.copyOfRange(packet, 0, at), Arrays.copyOfRange(packet, at + 32, 1536));
    }

    /** A 1536-byte packet signed at the offset found from {@code base} (8 or 772). */
    private static byte[] signed(long seed, byte[] version, byte[] key, int base) throws Exception {
        byte[] packet = new byte[1536];
        new Random(seed).nextBytes(packet);
        System.arraycopy(version, 0, packet, 4, 4);
        int at = offset(packet, base);
        System.arraycopy(hmac(key, withoutDigest(packet, at)), 0, packet, at, 32);
        return packet;
    }

    private static boolean digestValid(byte[] packet, byte[] key, int base) throws Exception {
        int at = offset(packet, base);
        return Arrays.equals(hmac(key, withoutDigest(packet, at)), Arrays.copyOfRange(packet, at, at + 32));
    }

    private static void pump(EmbeddedChannel from, EmbeddedChannel to) {
        for (ByteBuf buf; (buf = from.readOutbound()) != null; ) {
            to.writeInbound(buf);
        }
    }

    private static void pumpByteByByte(EmbeddedChannel from, EmbeddedChannel to) {
        byte[] bytes = Bytes.outbound(from);
        for (byte b : bytes) {
            if (to.isOpen()) {
                to.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        }
    }

    @ParameterizedTest(name = "digest offset base {0}")
    @ValueSource(ints = {8, 772})
    void serverAnswersDigestC1WithSignedS1AndS2(int base) throws Exception {
        EventRecorder recorder = new EventRecorder();
        EmbeddedChannel server = new EmbeddedChannel(new HandshakeServerHandler(new Random(7)), recorder);
        byte[] c1 = signed(42, new byte[] {9, 0, 124, 2}, Arrays.copyOf(FP_KEY, 30), base);

        server.writeInbound(Unpooled.wrappedBuffer(Bytes.concat(new byte[] {3}, c1)));
        byte[] response = Bytes.outbound(server);

        assertEquals(1 + 1536 + 1536, response.length);
        assertEquals(3, response[0]);
        byte[] s1 = Arrays.copyOfRange(response, 1, 1537);
        byte[] s2 = Arrays.copyOfRange(response, 1537, 3073);
        assertNotEquals(0, s1[4] | s1[5] | s1[6] | s1[7], "S1 of a digest handshake carries a server version");
        assertTrue(digestValid(s1, Arrays.copyOf(FMS_KEY, 36), base), "S1 is signed with the FMS key at the C1's schema");
        int c1At = offset(c1, base);
        byte[] s2Key = hmac(FMS_KEY, Arrays.copyOfRange(c1, c1At, c1At + 32));
        assertArrayEquals(hmac(s2Key, Arrays.copyOf(s2, 1504)), Arrays.copyOfRange(s2, 1504, 1536));

        server.writeInbound(Unpooled.wrappedBuffer(new byte[1536]));
        assertEquals(List.of(new HandshakeCompleteEvent(true)), recorder.events);
        assertNull(server.pipeline().get(HandshakeServerHandler.class));
        assertFalse(server.finish());
    }

    @Test
    void serverEchoesC1AsS2InTheSimpleHandshake() {
        EventRecorder recorder = new EventRecorder();
        EmbeddedChannel server = new EmbeddedChannel(new HandshakeServerHandler(new Random(7)), recorder);
        byte[] c1 = Bytes.filled(1536, 5);
        Arrays.fill(c1, 4, 8, (byte) 0);

        server.writeInbound(Unpooled.wrappedBuffer(Bytes.concat(new byte[] {3}, c1)));
        byte[] response = Bytes.outbound(server);

        assertEquals(3, response[0]);
        assertArrayEquals(new byte[4], Arrays.copyOfRange(response, 5, 9), "S1 zero field");
        assertArrayEquals(c1, Arrays.copyOfRange(response, 1537, 3073));
        server.writeInbound(Unpooled.wrappedBuffer(new byte[1536]));
        assertEquals(List.of(new HandshakeCompleteEvent(false)), recorder.events);
        assertFalse(server.finish());
    }

    @Test
    void serverPassesBytesAfterC2ToTheNextHandler() {
        EventRecorder recorder = new EventRecorder();
        EmbeddedChannel server = new EmbeddedChannel(new HandshakeServerHandler(new Random(7)), recorder);
        byte[] c0c1 = Bytes.concat(new byte[] {3}, new byte[1536]);
        byte[] c2AndMore = Bytes.concat(new byte[1536], "chunks".getBytes(StandardCharsets.US_ASCII));

        server.writeInbound(Unpooled.wrappedBuffer(Bytes.concat(c0c1, c2AndMore)));

        Bytes.outbound(server);
        assertEquals("chunks", new String(Bytes.drain(server.readInbound()), StandardCharsets.US_ASCII));
        assertEquals(1, recorder.events.size());
        assertFalse(server.finish());
    }

    @ParameterizedTest(name = "C0 = {0}")
    @ValueSource(ints = {0x47, 6, 0})
    void serverRejectsAnythingButVersion3AndCloses(int c0) {
        EmbeddedChannel server = new EmbeddedChannel(new HandshakeServerHandler());
        ByteBuf garbage = Unpooled.wrappedBuffer(Bytes.concat(new byte[] {(byte) c0}, Bytes.filled(40, 1)));

        RtmpHandshakeException e = assertThrows(RtmpHandshakeException.class, () -> server.writeInbound(garbage));

        assertEquals("unsupported RTMP version " + c0, e.getMessage());
        assertEquals(0, garbage.refCnt());
        assertFalse(server.isOpen());
        assertNull(server.readOutbound(), "nothing is answered");
        assertFalse(server.finish());
    }

    @Test
    void clientSendsSignedC1() throws Exception {
        EmbeddedChannel client = new EmbeddedChannel(new HandshakeClientHandler(true, new Random(3)));

        byte[] c0c1 = Bytes.outbound(client);

        assertEquals(1537, c0c1.length);
        assertEquals(3, c0c1[0]);
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, 1537);
        assertArrayEquals(new byte[] {9, 0, 124, 2}, Arrays.copyOfRange(c1, 4, 8));
        assertTrue(digestValid(c1, Arrays.copyOf(FP_KEY, 30), 8));
        assertFalse(client.finish());
    }

    @ParameterizedTest(name = "S1 digest offset base {0}")
    @ValueSource(ints = {8, 772})
    void clientAnswersASignedS1WithADigestC2(int base) throws Exception {
        EventRecorder recorder = new EventRecorder();
        EmbeddedChannel client = new EmbeddedChannel(new HandshakeClientHandler(true, new Random(3)), recorder);
        Bytes.outbound(client);
        byte[] s1 = signed(11, new byte[] {3, 5, 1, 1}, Arrays.copyOf(FMS_KEY, 36), base);

        client.writeInbound(Unpooled.wrappedBuffer(Bytes.concat(new byte[] {3}, s1, new byte[1536])));
        byte[] c2 = Bytes.outbound(client);

        assertEquals(1536, c2.length);
        int s1At = offset(s1, base);
        byte[] c2Key = hmac(FP_KEY, Arrays.copyOfRange(s1, s1At, s1At + 32));
        assertArrayEquals(hmac(c2Key, Arrays.copyOf(c2, 1504)), Arrays.copyOfRange(c2, 1504, 1536));
        assertEquals(List.of(new HandshakeCompleteEvent(true)), recorder.events);
        assertFalse(client.finish());
    }

    @Test
    void clientEchoesS1WhenTheServerDoesTheSimpleHandshake() {
        EventRecorder recorder = new EventRecorder();
        EmbeddedChannel client = new EmbeddedChannel(new HandshakeClientHandler(true, new Random(3)), recorder);
        Bytes.outbound(client);
        byte[] s1 = Bytes.filled(1536, 9);

        client.writeInbound(Unpooled.wrappedBuffer(Bytes.concat(new byte[] {3}, s1, new byte[1536], new byte[] {1, 2})));

        assertArrayEquals(s1, Bytes.outbound(client));
        assertEquals(List.of(new HandshakeCompleteEvent(false)), recorder.events);
        assertArrayEquals(new byte[] {1, 2}, Bytes.drain(client.readInbound()));
        assertFalse(client.finish());
    }

    @Test
    void clientRejectsAServerWithAnotherVersion() {
        EmbeddedChannel client = new EmbeddedChannel(new HandshakeClientHandler());
        Bytes.outbound(client);

        assertThrows(RtmpHandshakeException.class, () -> client.writeInbound(Unpooled.wrappedBuffer(new byte[] {6})));
        assertFalse(client.isOpen());
        assertFalse(client.finish());
    }

    @ParameterizedTest(name = "client digest form: {0}")
    @ValueSource(booleans = {true, false})
    void clientAndServerCompleteTheHandshake(boolean digest) {
        EventRecorder serverEvents = new EventRecorder();
        EventRecorder clientEvents = new EventRecorder();
        EmbeddedChannel server = new EmbeddedChannel(new HandshakeServerHandler(new Random(1)), serverEvents);
        EmbeddedChannel client = new EmbeddedChannel(new HandshakeClientHandler(digest, new Random(2)), clientEvents);

        pump(client, server);
        pump(server, client);
        pump(client, server);

        assertEquals(List.of(new HandshakeCompleteEvent(digest)), serverEvents.events);
        assertEquals(List.of(new HandshakeCompleteEvent(digest)), clientEvents.events);
        assertNull(server.pipeline().get(HandshakeServerHandler.class));
        assertNull(client.pipeline().get(HandshakeClientHandler.class));
        assertFalse(server.finish());
        assertFalse(client.finish());
    }

    @Test
    void handshakeCompletesOneByteAtATime() {
        EventRecorder serverEvents = new EventRecorder();
        EventRecorder clientEvents = new EventRecorder();
        EmbeddedChannel server = new EmbeddedChannel(new HandshakeServerHandler(new Random(1)), serverEvents);
        EmbeddedChannel client = new EmbeddedChannel(new HandshakeClientHandler(true, new Random(2)), clientEvents);

        pumpByteByByte(client, server);
        pumpByteByByte(server, client);
        pumpByteByByte(client, server);

        assertEquals(List.of(new HandshakeCompleteEvent(true)), serverEvents.events);
        assertEquals(List.of(new HandshakeCompleteEvent(true)), clientEvents.events);
        assertFalse(server.finish());
        assertFalse(client.finish());
    }
}
