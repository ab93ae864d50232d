package org.fluvia.rtmp.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.media.api.StreamKey;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.testkit.Ffmpeg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad clients against a node that meanwhile serves a real ffmpeg publish to a player: each bad
 * client is closed with a log line saying why, the player keeps receiving media.
 */
class RtmpServerBadInputTest {

    private static final Path LOG = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/rtmp-server-test.log"));
    private static TestNode node;
    private static Process publisher;
    private static MultiThreadIoEventLoopGroup group;
    private static RtmpServerFfmpegTest.Collector player;
    private static RtmpClientSession playerSession;

    @BeforeAll
    static void startNodePublisherAndPlayer() throws Exception {
        node = new TestNode(Map.of("handshake__timeout", 2, "max__message__size", 1024 * 1024));
        Path dir = Files.createTempDirectory("badinput");
        publisher = Ffmpeg.publish(node.url("live", "victim"), 120, dir.resolve("pub.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while ((node.hub.stream(StreamKey.of("live", "victim")) == null || !node.hub.stream(StreamKey.of("live", "victim")).isPublished())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        player = new RtmpServerFfmpegTest.Collector();
        playerSession = new RtmpClient(group, NioSocketChannel.class).play(node.url("live", "victim"), player).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopAll() throws Exception {
        playerSession.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        Ffmpeg.stop(publisher);
        node.close();
    }

    /** Runs a bad client and checks: it is closed, the log says {@code expectedLog}, the player still gets media. */
    private void assertRejected(String expectedLog, Consumer<Socket> badClient) throws Exception {
        int before = player.kinds.size();
        try (Socket s = new Socket("127.0.0.1", node.port)) {
            s.setSoTimeout(8000);
            try {
                badClient.accept(s);
            } catch (RuntimeException e) {
                if (!(e.getCause() instanceof IOException)) {
                    throw e;
                }
            }
            assertClosedByServer(s);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.readString(LOG).contains(expectedLog) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(LOG).contains(expectedLog), "log has '" + expectedLog + "'");
        Thread.sleep(500);
        assertTrue(player.kinds.size() > before + 10, "the player kept receiving media");
        assertFalse(playerSession.closeFuture().isDone(), "the player is still connected");
        assertTrue(node.hub.stream(StreamKey.of("live", "victim")).isPublished(), "the publisher is still publishing");
    }

    private static void assertClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            while (true) {
                if (in.read(buf) < 0) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            fail("the server did not close the bad client");
        } catch (IOException reset) {
            // a reset is a close too
        }
    }

    private static void write(Socket s, byte[] bytes) {
        try {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void handshake(Socket s) {
        try {
            byte[] c0c1 = new byte[1537];
            c0c1[0] = 3;
            write(s, c0c1);
            s.getInputStream().readNBytes(3073);
            write(s, new byte[1536]);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] chunked(int typeId, int csid, int streamId, ByteBuf payload) {
        ByteBuf out = ChunkEncoder.encode(ByteBufAllocator.DEFAULT, typeId, csid, 0, streamId, payload, 128);
        try {
            byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            return b;
        } finally {
            out.release();
            payload.release();
        }
    }

    private static byte[] connect(String app) {
        ByteBuf p = Unpooled.buffer();
        Amf0.write(p, "connect");
        Amf0.write(p, 1.0);
        Amf0.write(p, AmfObject.of("app", app, "tcUrl", "rtmp://127.0.0.1/" + app));
        return chunked(MessageType.COMMAND_AMF0, 3, 0, p);
    }

    @Test
    void randomBytesInsteadOfAHandshake() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x47; // never version 3
        assertRejected("unsupported RTMP version", s -> write(s, garbage));
    }

    @Test
    void goodHandshakeThenGarbageChunks() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(11).nextBytes(garbage);
        garbage[0] = 0x03; // fmt 0 on csid 3: a header claiming a huge message
        garbage[4] = (byte) 0xff;
        garbage[5] = (byte) 0xff;
        garbage[6] = (byte) 0xff;
        assertRejected("closing", s -> {
            handshake(s);
            write(s, garbage);
        });
    }

    @Test
    void setChunkSizeZero() throws Exception {
        assertRejected("invalid chunk size 0", s -> {
            handshake(s);
            write(s, chunked(MessageType.SET_CHUNK_SIZE, 2, 0, Unpooled.buffer().writeInt(0)));
        });
    }

    @Test
    void setChunkSizeAboveTwoToThe31() throws Exception {
        assertRejected("invalid chunk size", s -> {
            handshake(s);
            write(s, chunked(MessageType.SET_CHUNK_SIZE, 2, 0, Unpooled.buffer().writeInt(0x80000000)));
        });
    }

    @Test
    void messageLongerThanTheConfiguredMaximum() throws Exception {
        assertRejected("exceeds the limit", s -> {
            handshake(s);
            write(s, connect("live"));
            byte[] header = {0x06, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, 0x09, 1, 0, 0, 0}; // 8 MiB video message
            write(s, header);
        });
    }

    @Test
    void malformedAmfInConnect() throws Exception {
        assertRejected("closing", s -> {
            handshake(s);
            ByteBuf p = Unpooled.buffer();
            Amf0.write(p, "connect");
            Amf0.write(p, 1.0);
            p.writeByte(0x03).writeShort(5).writeBytes("app".getBytes()); // key length lies, object never ends
            p.writeByte(0x42);
            write(s, chunked(MessageType.COMMAND_AMF0, 3, 0, p));
        });
    }

    @Test
    void clientThatConnectsAndSendsNothingIsTimedOut() throws Exception {
        assertRejected("handshake or connect not completed", s -> { });
    }

    @Test
    void maxConnectionsRefusesTheNextAndKeepsTheOthers() throws Exception {
        try (TestNode small = new TestNode(Map.of("max__connections", 3))) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket("127.0.0.1", small.port);
                    s.setSoTimeout(5000);
                    open.add(s);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (small.server.connectionCount() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                try (Socket fourth = new Socket("127.0.0.1", small.port)) {
                    fourth.setSoTimeout(5000);
                    assertClosedByServer(fourth);
                }
                for (Socket s : open) {
                    handshake(s); // the first three still work
                    assertFalse(s.isClosed());
                }
                assertTrue(Files.readString(LOG).contains("max_connections 3 reached"));
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }
}
