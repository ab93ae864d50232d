package org.fluvia.rtmp.server.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.StreamKey;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.testkit.Ffmpeg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Real ffmpeg publishers and players against the real RTMP server, hub and event loops. */
class RtmpServerFfmpegTest {

    @TempDir
    Path dir;

    private TestNode node;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = new TestNode();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
        node.close();
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    private void awaitPublished(StreamKey key, boolean published) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            var s = node.hub.stream(key);
            if ((s != null && s.isPublished()) == published) {
                return;
            }
            Thread.sleep(50);
        }
        fail("stream " + key + (published ? " was never published" : " stayed published"));
    }

    /** Asserts what a player must see: h264 + aac, ≥ the duration, non-decreasing dts, a keyframe first. */
    private void assertPlayable(Path flv, double minSeconds) throws Exception {
        assertEquals(List.of("aac", "h264"), Ffmpeg.codecs(flv), "both streams in " + flv);
        List<Ffmpeg.Packet> packets = Ffmpeg.packets(flv);
        Ffmpeg.Packet firstVideo = packets.stream().filter(p -> p.type().equals("video")).findFirst().orElseThrow();
        assertTrue(firstVideo.key(), "the first video frame is a keyframe");
        for (String type : List.of("video", "audio")) {
            long last = Long.MIN_VALUE;
            double first = -1;
            double lastTime = 0;
            int n = 0;
            for (Ffmpeg.Packet p : packets) {
                if (!p.type().equals(type)) {
                    continue;
                }
                assertTrue(p.dts() >= last, type + " timestamps go back at packet " + n + ": " + p.dts() + " < " + last);
                last = p.dts();
                if (first < 0) {
                    first = p.dtsTime();
                }
                lastTime = p.dtsTime();
                n++;
            }
            assertTrue(lastTime - first >= minSeconds, type + " covers " + (lastTime - first) + " s, expected >= " + minSeconds);
        }
    }

    @Test
    void ffmpegPublishesAndTwoPlayersReadTenSecondsWithBothStreams() throws Exception {
        StreamKey key = StreamKey.of("live", "two");
        track(Ffmpeg.publish(node.url("live", "two"), 25, dir.resolve("pub.log")));
        awaitPublished(key, true);
        Path a = dir.resolve("a.flv");
        Path b = dir.resolve("b.flv");
        Process pa = track(Ffmpeg.record(node.url("live", "two"), 10, a, dir.resolve("a.log")));
        Process pb = track(Ffmpeg.record(node.url("live", "two"), 10, b, dir.resolve("b.log")));
        assertEquals(0, Ffmpeg.waitFor(pa, 30), Ffmpeg.read(dir.resolve("a.log")));
        assertEquals(0, Ffmpeg.waitFor(pb, 30), Ffmpeg.read(dir.resolve("b.log")));
        assertPlayable(a, 9.0);
        assertPlayable(b, 9.0);
    }

    @Test
    void lateJoinerDecodesFromItsFirstFrame() throws Exception {
        StreamKey key = StreamKey.of("live", "late");
        track(Ffmpeg.publish(node.url("live", "late"), 20, dir.resolve("pub.log")));
        awaitPublished(key, true);
        Thread.sleep(3300); // join in the middle of a 2 s GOP
        Path log = dir.resolve("decode.log");
        Process decoder = track(Ffmpeg.decode(node.url("live", "late"), 4, log));
        Path rec = dir.resolve("late.flv");
        Process recorder = track(Ffmpeg.record(node.url("live", "late"), 4, rec, dir.resolve("rec.log")));
        assertEquals(0, Ffmpeg.waitFor(decoder, 30), Ffmpeg.read(log));
        assertEquals(0, Ffmpeg.waitFor(recorder, 30), Ffmpeg.read(dir.resolve("rec.log")));
        assertEquals("", Ffmpeg.read(log).trim(), "decoding from the first frame reports no error");
        assertPlayable(rec, 3.0);
    }

    @Test
    void playerEndsCleanlyWhenThePublisherStopsAndRepublishServesAgain() throws Exception {
        StreamKey key = StreamKey.of("live", "again");
        Process pub = track(Ffmpeg.publish(node.url("live", "again"), 4, dir.resolve("pub1.log")));
        awaitPublished(key, true);
        Process player = track(Ffmpeg.record(node.url("live", "again"), 0, dir.resolve("p1.flv"), dir.resolve("p1.log")));
        assertEquals(0, Ffmpeg.waitFor(pub, 20), Ffmpeg.read(dir.resolve("pub1.log")));
        awaitPublished(key, false);
        // NetStream.Play.UnpublishNotify ends ffmpeg's read as an end of stream.
        assertEquals(0, Ffmpeg.waitFor(player, 15), Ffmpeg.read(dir.resolve("p1.log")));

        track(Ffmpeg.publish(node.url("live", "again"), 15, dir.resolve("pub2.log")));
        awaitPublished(key, true);
        Path again = dir.resolve("p2.flv");
        Process p2 = track(Ffmpeg.record(node.url("live", "again"), 4, again, dir.resolve("p2.log")));
        assertEquals(0, Ffmpeg.waitFor(p2, 30), Ffmpeg.read(dir.resolve("p2.log")));
        assertPlayable(again, 3.0);
    }

    /** Collects what our RTMP client receives. */
    static final class Collector implements MediaListener {
        final List<String> kinds = Collections.synchronizedList(new ArrayList<>());
        final List<String> statuses = new CopyOnWriteArrayList<>();

        @Override
        public void onMedia(MediaMessage m) {
            try {
                kinds.add(m.isMetadata() ? "meta" : m.isSequenceHeader() ? m.type() + "-hdr"
                        : m.isVideoKeyframe() ? "key" : m.type() == MediaType.VIDEO ? "inter" : m.type().name());
            } finally {
                m.release();
            }
        }

        @Override
        public void onStatus(String code, String description) {
            statuses.add(code);
        }

        int count(String kind) {
            synchronized (kinds) {
                return (int) kinds.stream().filter(kind::equals).count();
            }
        }
    }

    @Test
    void ourClientPlaysAndStaysThroughUnpublishAndRepublish() throws Exception {
        StreamKey key = StreamKey.of("live", "client");
        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Process pub = track(Ffmpeg.publish(node.url("live", "client"), 4, dir.resolve("pub1.log")));
            awaitPublished(key, true);
            Collector c = new Collector();
            RtmpClientSession session = new RtmpClient(group, NioSocketChannel.class).play(node.url("live", "client"), c).get(10, TimeUnit.SECONDS);
            assertEquals(0, Ffmpeg.waitFor(pub, 20));
            awaitPublished(key, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!c.statuses.contains("NetStream.Play.UnpublishNotify") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(c.statuses.contains("NetStream.Play.UnpublishNotify"), "statuses: " + c.statuses);
            List<String> firstRun = new ArrayList<>(c.kinds);
            assertEquals(List.of("meta", "VIDEO-hdr", "AUDIO-hdr"), firstRun.subList(0, 3), "caches first: " + firstRun.subList(0, Math.min(8, firstRun.size())));
            assertEquals("key", firstRun.stream().filter(k -> k.equals("key") || k.equals("inter")).findFirst().orElseThrow());
            assertTrue(c.count("inter") > 25 && c.count("AUDIO") > 50, "media flowed: " + c.count("inter") + " video, " + c.count("AUDIO") + " audio");

            int before = c.kinds.size();
            track(Ffmpeg.publish(node.url("live", "client"), 3, dir.resolve("pub2.log")));
            awaitPublished(key, true);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!keyAfter(c, before) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(c.statuses.contains("NetStream.Play.PublishNotify"), "statuses: " + c.statuses);
            assertTrue(keyAfter(c, before), "the same player gets the republished stream from a keyframe");
            List<String> secondRun = new ArrayList<>(c.kinds.subList(before, c.kinds.size()));
            assertTrue(secondRun.indexOf("VIDEO-hdr") < secondRun.indexOf("key"), "sequence header before the first keyframe: " + secondRun);
            assertFalse(session.closeFuture().isDone(), "the player stayed connected");
            session.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static boolean keyAfter(Collector c, int index) {
        synchronized (c.kinds) {
            return c.kinds.subList(index, c.kinds.size()).contains("key");
        }
    }

    @Test
    void secondPublisherIsRefusedWithBadNameAndFirstContinues() throws Exception {
        StreamKey key = StreamKey.of("live", "busy");
        track(Ffmpeg.publish(node.url("live", "busy"), 15, dir.resolve("pub1.log")));
        awaitPublished(key, true);
        String first = node.hub.stream(key).sourceDescription();
        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> new RtmpClient(group, NioSocketChannel.class).publish(node.url("live", "busy")).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("NetStream.Publish.BadName"), e.getCause().getMessage());
            Process second = track(Ffmpeg.publish(node.url("live", "busy"), 5, dir.resolve("pub2.log")));
            assertNotEquals(0, Ffmpeg.waitFor(second, 20), "ffmpeg's second publish fails");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertEquals(first, node.hub.stream(key).sourceDescription());
        long before = node.hub.stream(key).messagesIn();
        Thread.sleep(500);
        assertTrue(node.hub.stream(key).messagesIn() > before, "the first publisher still streams");
    }
}
