package org.fluvia.forward.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.testkit.Await;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ffmpeg;
import org.fluvia.testkit.Leaks;
import org.fluvia.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Forward between real nodes (event loops, hub, RTMP server) over loopback, with a real ffmpeg publishing. */
class ForwardTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        Leaks.assertNoLeakReported();
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private Process publish(Node node, String stream, int seconds) throws Exception {
        Process p = Ffmpeg.publish(node.url("live", stream), seconds, dir.resolve("ffmpeg-" + stream + ".log"));
        processes.add(p);
        return p;
    }

    private static Map<String, Object> forwardConfig(String... destinations) {
        Map<String, Object> c = new HashMap<>();
        c.put("destinations", destinations);
        c.put("connect__timeout", 1000);
        c.put("backoff__max", 2000);
        return c;
    }

    private static boolean published(Node node, StreamKey key) {
        Stream s = node.hub.stream(key);
        return s != null && s.isPublished();
    }

    @Test
    void forwardsToEveryDestinationAndPlayersThereStartDecodable() throws Exception {
        Node a = track(new Node());
        Node b = track(new Node());
        Node origin = track(new Node());
        origin.forward(forwardConfig(a.destination(), b.destination()));
        StreamKey key = StreamKey.of("live", "both");
        publish(origin, "both", 30);

        for (Node d : List.of(a, b)) {
            Await.until("the stream is pushed to " + d.destination(), Duration.ofSeconds(15), () -> published(d, key));
            Stream s = d.hub.stream(key);
            assertEquals(SourceKind.PUBLISH, s.sourceKind(), "a forwarded stream is a publish at the destination");
            assertTrue(s.sourceDescription().startsWith("rtmp client=") && s.sourceDescription().contains("127.0.0.1"),
                    "published by the origin's push: " + s.sourceDescription());
        }
        assertTrue(origin.hub.stream(key).sourceDescription().startsWith("rtmp client="));

        // An RTMP player on each destination gets metadata, sequence headers and a keyframe first.
        RtmpClient players = new RtmpClient(origin.loops.ioGroup(), origin.loops.channelType());
        for (Node d : List.of(a, b)) {
            List<MediaMessage> got = new ArrayList<>();
            MediaListener listener = m -> {
                synchronized (got) {
                    if (got.size() < 400) {
                        got.add(m);
                        return;
                    }
                }
                m.release();
            };
            RtmpClientSession player = players.play(d.url("live", "both"), listener).get(10, TimeUnit.SECONDS);
            try {
                Await.until("a keyframe and audio at the player on " + d.destination(), Duration.ofSeconds(10), () -> {
                    synchronized (got) {
                        return got.stream().anyMatch(MediaMessage::isVideoKeyframe)
                                && got.stream().filter(m -> m.type() == MediaType.AUDIO && !m.isSequenceHeader()).count() > 5;
                    }
                });
            } finally {
                player.close();
                player.closeFuture().handle((v, e) -> null).get(5, TimeUnit.SECONDS);
            }
            List<String> kinds = new ArrayList<>();
            synchronized (got) {
                for (MediaMessage m : got) {
                    kinds.add(m.isMetadata() ? "meta" : m.isSequenceHeader() ? (m.type() == MediaType.VIDEO ? "vsh" : "ash")
                            : m.isVideoKeyframe() ? "key" : m.type().name().toLowerCase());
                    if (m.type() == MediaType.VIDEO) {
                        assertEquals(7, m.payload().getUnsignedByte(0) & 0x0f, "H.264");
                    } else if (m.type() == MediaType.AUDIO) {
                        assertEquals(10, m.payload().getUnsignedByte(0) >> 4, "AAC");
                    }
                    m.release();
                }
            }
            assertEquals("meta", kinds.get(0), "metadata first: " + kinds.subList(0, 6));
            assertEquals(List.of("ash", "vsh"), kinds.subList(1, 3).stream().sorted().toList(), "then both sequence headers: " + kinds.subList(0, 6));
            int firstVideo = kinds.indexOf("key");
            assertTrue(firstVideo >= 3 && kinds.subList(3, firstVideo).stream().noneMatch("video"::equals),
                    "video starts at a keyframe: " + kinds.subList(0, Math.min(kinds.size(), 12)));
        }

        // The publisher leaves: every push ends and the destinations' streams with it.
        Ffmpeg.stop(processes.get(0));
        for (Node d : List.of(a, b)) {
            Await.until("the push to " + d.destination() + " ends with the publisher", Duration.ofSeconds(10), () -> !published(d, key));
        }
        assertTrue(origin.forwarder.pushes(key).isEmpty());
    }

    @Test
    void deadDestinationsAddNoDelayToTheLiveOne() throws Exception {
        Node b = track(new Node());
        Node origin = track(new Node());
        // Dead ends: a port nobody listens on, and one that takes connections but never answers.
        int refused = Ports.freePort();
        ServerSocket blackhole = track(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        StreamKey key = StreamKey.of("live", "delay");
        Recorder atOrigin = track(new Recorder(origin.hub, key));
        Recorder atB = track(new Recorder(b.hub, key));
        origin.forward(forwardConfig(b.destination()));
        publish(origin, "delay", 40);
        Await.until("the stream is pushed to B", Duration.ofSeconds(15), () -> published(b, key));
        Push toB = origin.forwarder.pushes(key).get(b.destination());

        Thread.sleep(1000);
        long from = System.nanoTime();
        Thread.sleep(6000);
        long[] alone = delaysMs(atOrigin, atB, from, System.nanoTime());

        origin.forwarder.modified(Components.config(Forwarder.Config.class,
                forwardConfig(b.destination(), "127.0.0.1:" + refused, "127.0.0.1:" + blackhole.getLocalPort())));
        Await.until("three pushes", Duration.ofSeconds(5), () -> origin.forwarder.pushes(key).size() == 3);
        Push toRefused = origin.forwarder.pushes(key).get("127.0.0.1:" + refused);
        Thread.sleep(1000);
        from = System.nanoTime();
        Thread.sleep(6000);
        long[] withDead = delaysMs(atOrigin, atB, from, System.nanoTime());

        String report = "origin->B delay ms, B alone: " + describe(alone) + "; with 2 dead destinations: " + describe(withDead);
        System.out.println(report);
        Files.writeString(Path.of("target", "forward-delay.txt"), report + "\n");
        assertTrue(alone.length > 100 && withDead.length > 100, "enough frames measured: " + report);
        assertTrue(percentile(alone, 95) < 200, report);
        assertTrue(percentile(withDead, 95) < 200, report);
        assertSame(toB, origin.forwarder.pushes(key).get(b.destination()), "B's push was left alone");
        assertEquals(1, toB.connections(), "B's push never reconnected");
        assertTrue(toRefused.attempts() >= 2 && toRefused.attempts() <= 6,
                "the refused destination is retried with backoff, not hot: " + toRefused.attempts() + " attempts in 7 s");
        assertEquals(0, toRefused.connections());
    }

    @Test
    void stalledDestinationDropsWholeGopsAndDelaysNobody() throws Exception {
        Node b = track(new Node());
        Node c = track(new Node());
        StallingProxy toC = track(new StallingProxy(c.port));
        Node origin = track(new Node(Ports.freePort(), true, Map.of("queue__length", 2.0)));
        StreamKey key = StreamKey.of("live", "stall");
        Recorder atOrigin = track(new Recorder(origin.hub, key));
        Recorder atB = track(new Recorder(b.hub, key));
        String cDest = "127.0.0.1:" + toC.port();
        origin.forward(forwardConfig(b.destination(), cDest));
        // 1.2 MB/s: enough to fill the socket buffers on the way to C within seconds once it stalls.
        track(new SyntheticPublisher(origin.hub, key, SourceKind.PUBLISH, 48_000, 25));
        Await.until("the stream is pushed to B and C", Duration.ofSeconds(15), () -> published(b, key) && published(c, key));
        Push slow = origin.forwarder.pushes(key).get(cDest);
        Push toB = origin.forwarder.pushes(key).get(b.destination());

        toC.stall(true);
        long from = System.nanoTime();
        Await.until("the stalled push's queue drops GOPs", Duration.ofSeconds(30), () -> slow.droppedMessages() > 0);
        long stalledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        Thread.sleep(3000);
        long[] delays = delaysMs(atOrigin, atB, from, System.nanoTime());
        long cIn = c.hub.stream(key).messagesIn();
        String report = "origin->B delay ms while C stalls: " + describe(delays) + "; C's queue dropped "
                + slow.droppedMessages() + " messages, first drop after " + stalledMs + " ms";
        System.out.println(report);
        Files.writeString(Path.of("target", "forward-stall.txt"), report + "\n");
        assertTrue(delays.length > 50 && percentile(delays, 95) < 200, report);
        assertEquals(1, slow.connections(), "a slow destination keeps its connection");
        assertEquals(1, toB.connections());

        toC.stall(false);
        Await.until("C gets media again once it reads", Duration.ofSeconds(15), () -> c.hub.stream(key).messagesIn() > cIn + 100);
    }

    /** Delays between the origin's hub and B's hub getting the same frame, for frames the origin got in [from, to). */
    private static long[] delaysMs(Recorder origin, Recorder b, long from, long to) {
        Map<Long, Long> atOrigin = new LinkedHashMap<>();
        for (Recorder.Entry e : origin.entries()) {
            if (e.isMedia() && e.nanos() >= from && e.nanos() < to) {
                atOrigin.putIfAbsent(e.crc(), e.nanos());
            }
        }
        List<Long> delays = new ArrayList<>();
        for (Recorder.Entry e : b.entries()) {
            Long t = e.isMedia() ? atOrigin.remove(e.crc()) : null;
            if (t != null) {
                delays.add(TimeUnit.NANOSECONDS.toMillis(e.nanos() - t));
            }
        }
        return delays.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? Long.MAX_VALUE : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    private static String describe(long[] sorted) {
        return "n=" + sorted.length + " p50=" + percentile(sorted, 50) + " p95=" + percentile(sorted, 95)
                + " max=" + (sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
    }

    @Test
    void restartedDestinationGetsMetadataHeadersAndKeyframeFirstAgain() throws Exception {
        Node b = new Node();
        Node origin = track(new Node());
        StreamKey key = StreamKey.of("live", "restart");
        origin.forward(forwardConfig(b.destination()));
        publish(origin, "restart", 40);
        try {
            Await.until("the stream is pushed to B", Duration.ofSeconds(15), () -> published(b, key));
            Thread.sleep(2500); // mid-GOP (2 s GOPs) when B goes away
        } finally {
            b.close();
        }
        Push push = origin.forwarder.pushes(key).get(b.destination());
        Await.until("the push notices B is gone", Duration.ofSeconds(5), () -> !push.isConnected());
        Await.until("the push retries", Duration.ofSeconds(10), () -> push.attempts() >= 3);

        Node b2 = track(new Node(b.port, false));
        Recorder atB2 = track(new Recorder(b2.hub, key)); // there before the push publishes
        b2.listen();
        Await.until("the push reconnects to the restarted B", Duration.ofSeconds(10), () -> published(b2, key));
        Await.until("two keyframes at B", Duration.ofSeconds(10),
                () -> atB2.entries().stream().filter(Recorder.Entry::isVideoKeyframe).count() >= 2);
        List<String> first = atB2.entries().stream().limit(4).map(Recorder.Entry::kind).toList();
        assertEquals("meta", first.get(0), "metadata first after the reconnect: " + first);
        assertEquals(List.of("ash", "vsh"), first.subList(1, 3).stream().sorted().toList(), "then the sequence headers: " + first);
        assertEquals("key", first.get(3), "then a keyframe: " + first);
        assertEquals(0, atB2.subscription.droppedMessages(), "no video before the keyframe was sent");
        assertEquals(2, push.connections());
    }

    @Test
    void modifiedStartsAndStopsOnlyTheChangedDestination() throws Exception {
        Node a = track(new Node());
        Node b = track(new Node());
        Node origin = track(new Node());
        StreamKey key = StreamKey.of("live", "modified");
        Recorder atA = track(new Recorder(a.hub, key));
        Recorder atB = track(new Recorder(b.hub, key));
        origin.forward(forwardConfig(a.destination()));
        publish(origin, "modified", 40);
        Await.until("the stream is pushed to A", Duration.ofSeconds(15), () -> published(a, key));
        long aSince = a.hub.stream(key).publishedSince();
        Push toA = origin.forwarder.pushes(key).get(a.destination());
        Thread.sleep(500);
        assertFalse(published(b, key), "B is not a destination yet");

        origin.forwarder.modified(Components.config(Forwarder.Config.class, forwardConfig(a.destination(), b.destination())));
        Await.until("adding B starts its push", Duration.ofSeconds(10), () -> published(b, key));
        long bSince = b.hub.stream(key).publishedSince();
        Thread.sleep(1000);
        assertSame(toA, origin.forwarder.pushes(key).get(a.destination()));
        assertEquals(1, toA.connections(), "A's push kept its connection");
        assertEquals(aSince, a.hub.stream(key).publishedSince(), "A saw no republish");
        assertEquals(1, atA.publishes.get());
        assertEquals(0, atA.unpublishes.get());

        origin.forwarder.modified(Components.config(Forwarder.Config.class, forwardConfig(b.destination())));
        Await.until("removing A stops its push", Duration.ofSeconds(10), () -> !published(a, key));
        Thread.sleep(1000);
        assertEquals(bSince, b.hub.stream(key).publishedSince(), "B saw no republish");
        assertEquals(1, atB.publishes.get());
        assertEquals(0, atB.unpublishes.get());
        assertEquals(1, origin.forwarder.pushes(key).get(b.destination()).connections());
        assertEquals(1, origin.forwarder.pushes(key).size());
    }

    @Test
    void forwardLoopIsRefusedAndBacksOff() throws Exception {
        Node a = track(new Node());
        Node b = track(new Node());
        StreamKey key = StreamKey.of("live", "loop");
        a.forward(forwardConfig(b.destination()));
        b.forward(forwardConfig(a.destination()));
        publish(a, "loop", 30);
        Await.until("A pushes to B", Duration.ofSeconds(15), () -> published(b, key));
        Await.until("B pushes back to A", Duration.ofSeconds(5), () -> b.forwarder.pushes(key).containsKey(a.destination()));
        Push back = b.forwarder.pushes(key).get(a.destination());
        Thread.sleep(5000);
        // A refuses (NetStream.Publish.BadName: the stream is busy); 0, 0.5, 1.5, 3.5 s (then every 2 s).
        int attempts = back.attempts();
        assertTrue(attempts >= 2 && attempts <= 5, "backed off, not retrying hot: " + attempts + " attempts in 5 s");
        assertEquals(0, back.connections());
        assertTrue(published(a, key) && a.hub.stream(key).sourceDescription().startsWith("rtmp client="));
        assertTrue(published(b, key), "B keeps the stream from A");
    }

    @Test
    void pulledStreamIsNotForwardedAndDeactivateClosesEverything() throws Exception {
        Node b = track(new Node());
        Node origin = track(new Node());
        ServerSocket blackhole = track(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        origin.forward(forwardConfig(b.destination(), "127.0.0.1:" + blackhole.getLocalPort()));
        StreamKey pulled = StreamKey.of("live", "pulled");
        StreamKey published = StreamKey.of("live", "published");
        try (Publication pull = origin.hub.publish(pulled, SourceKind.PULL, "edge pull from 127.0.0.1:1");
             Publication pub = origin.hub.publish(published, SourceKind.PUBLISH, "test publisher")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int ts = 0;
            sendHeaders(pull);
            sendHeaders(pub);
            while (!published(b, published) && System.nanoTime() < deadline) {
                for (Publication p : List.of(pull, pub)) {
                    p.publish(video(ts, ts % 1000 == 0));
                }
                ts += 40;
                Thread.sleep(40);
            }
            assertTrue(published(b, published), "the published stream is forwarded");
            Thread.sleep(500);
            assertNull(b.hub.stream(pulled), "the pulled stream is not");
            assertTrue(origin.forwarder.pushes(pulled).isEmpty());
            assertEquals(2, origin.forwarder.pushes(published).size());

            long t0 = System.nanoTime();
            Forwarder forwarder = origin.forwarder;
            origin.stopForward();
            assertTrue(forwarder.loopsTerminated());
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs < 6000, "deactivate waits bounded: " + tookMs + " ms");
            Await.until("deactivate ends the push", Duration.ofSeconds(5), () -> !published(b, published));
            assertEquals(0, origin.hub.stream(published).readerCount(), "the pushes' subscriptions are closed");
        }
    }

    private static void sendHeaders(Publication p) {
        ByteBuf meta = Unpooled.buffer();
        Amf0.write(meta, "onMetaData");
        Amf0.write(meta, Map.of("width", 320.0, "height", 240.0));
        p.publish(MediaMessage.of(MediaType.DATA, 0, MediaMessage.METADATA, meta));
        p.publish(MediaMessage.of(MediaType.VIDEO, 0, Unpooled.wrappedBuffer(new byte[]{0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e, (byte) 0xff})));
        p.publish(MediaMessage.of(MediaType.AUDIO, 0, Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 0, 0x12, 0x10})));
    }

    private static MediaMessage video(int ts, boolean key) {
        byte[] b = new byte[64];
        b[0] = (byte) (key ? 0x17 : 0x27);
        b[1] = 1;
        b[8] = (byte) ts;
        b[9] = (byte) (ts >> 8);
        return MediaMessage.of(MediaType.VIDEO, ts, Unpooled.wrappedBuffer(b));
    }
}
