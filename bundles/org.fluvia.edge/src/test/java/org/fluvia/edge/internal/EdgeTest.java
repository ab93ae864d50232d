package org.fluvia.edge.internal;

import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.testkit.Await;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ffmpeg;
import org.fluvia.testkit.Leaks;
import org.fluvia.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Origins and an edge of real components, ffmpeg publishing, our RTMP client and ffmpeg playing. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeTest {

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
        Await.until("the edge's threads end with it", Duration.ofSeconds(5),
                () -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("fluvia-edge")));
        Leaks.assertNoLeakReported();
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    private Node origin() throws Exception {
        return track(Node.origin());
    }

    private Node edge(Map<String, Object> config, int hstrsTimeout) throws Exception {
        return track(Node.edge(config, hstrsTimeout));
    }

    private static Map<String, Object> config(String... origins) {
        Map<String, Object> c = new HashMap<>();
        c.put("origins", origins);
        return c;
    }

    private Player play(Node node, String app, String stream) throws Exception {
        return track(Player.play(node.client, node.rtmpUrl(app, stream)));
    }

    private Process publish(Node node, String app, String stream, int seconds) throws Exception {
        Process p = track(Ffmpeg.publish(node.rtmpUrl(app, stream), seconds, dir.resolve("pub-" + node.rtmpPort + "-" + stream + ".log")));
        StreamKey key = StreamKey.of(app, stream);
        Await.until("ffmpeg publishes " + key + " to " + node.address(), Duration.ofSeconds(15), () -> isPublished(node, key));
        return p;
    }

    private static boolean isPublished(Node node, StreamKey key) {
        Stream s = node.hub.stream(key);
        return s != null && s.isPublished();
    }

    private static int readers(Node node, StreamKey key) {
        Stream s = node.hub.stream(key);
        return s == null ? 0 : s.readerCount();
    }

    @Test
    void anOriginsRedirectIsFollowed() throws Exception {
        Node a = origin();
        io.netty.channel.MultiThreadIoEventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try (RedirectServer redirector = new RedirectServer(group, "rtmp://" + a.address() + "/live")) {
            Node edge = edge(config(redirector.address()), 10);
            publish(a, "live", "moved", 30);
            Player p = new Player();
            edge.client.play(edge.rtmpUrl("live", "moved"), p).thenAccept(s -> track(s::close)).get(15, TimeUnit.SECONDS);
            Await.until("the player gets video from the origin the redirect named", Duration.ofSeconds(15), () -> p.keyframes.get() > 0);
            assertEquals(1, readers(a, StreamKey.of("live", "moved")), "the edge pulls from the redirect target");
            assertTrue(redirector.connects.get() >= 1);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void twentyRtmpAndThreeHttpFlvPlayersShareOneUpstreamConnection() throws Exception {
        Node a = origin();
        Node edge = edge(config(a.address()), 10);
        publish(a, "live", "many", 40);
        StreamKey key = StreamKey.of("live", "many");

        List<CompletableFuture<?>> starting = new ArrayList<>();
        List<Player> players = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Player p = new Player();
            players.add(p);
            starting.add(edge.client.play(edge.rtmpUrl("live", "many"), p).thenAccept(s -> track(s::close)));
        }
        List<Process> http = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            http.add(track(Ffmpeg.record(edge.flvUrl("live", "many"), 4, dir.resolve("http" + i + ".flv"), dir.resolve("http" + i + ".log"))));
        }
        CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        for (Player p : players) {
            Await.until("every RTMP player gets a keyframe", Duration.ofSeconds(15), () -> p.keyframes.get() > 0);
        }
        assertEquals(1, readers(a, key), "the origin sees one upstream connection for the stream");
        Stream pulled = edge.hub.stream(key);
        assertEquals(SourceKind.PULL, pulled.sourceKind());
        assertTrue(pulled.sourceDescription().contains(a.address()), pulled.sourceDescription());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, Ffmpeg.waitFor(http.get(i), 30), Ffmpeg.read(dir.resolve("http" + i + ".log")));
            assertEquals(List.of("aac", "h264"), Ffmpeg.codecs(dir.resolve("http" + i + ".flv")));
        }
        assertEquals(1, readers(a, key), "still one upstream connection");
        assertEquals(List.of(key), edge.edge.pullKeys());
    }

    @Test
    void playerKeepsItsConnectionAndGetsVideoAgainWhenItsOriginDies() throws Exception {
        Node a = origin();
        Node b = origin();
        Node edge = edge(config(a.address(), b.address()), 10);
        publish(a, "live", "fo", 60);
        publish(b, "live", "fo", 60);
        StreamKey key = StreamKey.of("live", "fo");
        Player player = play(edge, "live", "fo");
        assertTrue(player.awaitKeyframeAfter(0, 15000), "video from the edge");
        assertTrue(edge.hub.stream(key).sourceDescription().contains(a.address()), "sticks to the first origin");
        Path out = dir.resolve("fo.flv");
        Process recorder = track(Ffmpeg.record(edge.flvUrl("live", "fo"), 10, out, dir.resolve("fo.log")));
        Thread.sleep(2000);

        long killed = System.nanoTime();
        a.stopRtmp();
        assertTrue(player.awaitKeyframeAfter(killed, 5000), "a new keyframe within 5 s of the origin's death");
        long ms = TimeUnit.NANOSECONDS.toMillis(player.lastKeyframeNanos - killed);
        assertFalse(player.closed, "the player kept its connection");
        assertFalse(player.statuses.contains("NetStream.Play.UnpublishNotify"), "the player was not told the stream ended: " + player.statuses);
        assertEquals(1, readers(b, key), "the edge pulls from the second origin now");
        assertEquals(SourceKind.PULL, edge.hub.stream(key).sourceKind(), "the same publication, still open");
        assertEquals(0, Ffmpeg.waitFor(recorder, 30), "the HTTP-FLV player continued: " + Ffmpeg.read(dir.resolve("fo.log")));
        assertEquals(List.of("aac", "h264"), Ffmpeg.codecs(out));
        System.out.println("failover: video again after " + ms + " ms");
    }

    @Test
    void originThatLosesItsPublisherIsLeftForOneThatHasTheStream() throws Exception {
        Node a = origin();
        Node b = origin();
        Map<String, Object> cfg = config(a.address(), b.address());
        cfg.put("data__timeout", 1500L);
        Node edge = edge(cfg, 10);
        Process shortPublish = publish(a, "live", "lost", 8);
        publish(b, "live", "lost", 40);
        StreamKey key = StreamKey.of("live", "lost");
        Player player = play(edge, "live", "lost");
        assertTrue(player.awaitKeyframeAfter(0, 15000));
        assertEquals(1, readers(a, key));

        Ffmpeg.waitFor(shortPublish, 30); // A's publisher leaves: A tells the edge UnpublishNotify
        // The origin's queue tail may still arrive after its UnpublishNotify; then data_timeout, then B.
        Await.until("the edge moves to the origin that has the stream", Duration.ofSeconds(6), () -> readers(b, key) == 1);
        long switched = System.nanoTime();
        assertTrue(player.awaitKeyframeAfter(switched, 3000), "video from the other origin");
        assertFalse(player.closed);
        assertFalse(player.statuses.contains("NetStream.Play.UnpublishNotify"), "held across the switch: " + player.statuses);
    }

    @Test
    void pullStopsAfterIdleGraceAndAReaderReturningWithinItKeepsThePull() throws Exception {
        Node a = origin();
        Map<String, Object> cfg = config(a.address());
        cfg.put("idle__grace", 2000L);
        Node edge = edge(cfg, 10);
        publish(a, "live", "grace", 40);
        StreamKey key = StreamKey.of("live", "grace");

        Player first = play(edge, "live", "grace");
        assertTrue(first.awaitKeyframeAfter(0, 15000));
        assertEquals(1, readers(a, key));
        long since = edge.hub.stream(key).publishedSince();
        first.close();
        Thread.sleep(800);
        assertEquals(1, readers(a, key), "the pull runs on in its grace period");

        Player second = play(edge, "live", "grace");
        assertTrue(second.awaitKeyframeAfter(0, 5000), "the returning reader plays at once");
        assertEquals(since, edge.hub.stream(key).publishedSince(), "the same pull, not a new one");
        assertEquals(1, readers(a, key));
        Thread.sleep(2500); // longer than the grace: a reader is there, nothing stops
        assertEquals(1, readers(a, key));

        second.close();
        long left = System.nanoTime();
        Thread.sleep(1200);
        assertEquals(1, readers(a, key), "not before the grace");
        Await.until("the origin loses its reader after the grace", Duration.ofSeconds(4), () -> readers(a, key) == 0);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
        assertTrue(ms >= 1900, "stopped after " + ms + " ms");
        assertEquals(List.of(), edge.edge.pullKeys());
        Await.until("the edge forgets the stream", Duration.ofSeconds(2), () -> edge.hub.stream(key) == null);
    }

    @Test
    void badOriginsBoundTheirRetriesAndARealOriginIsFoundAfterThem() throws Exception {
        Node a = origin();
        int closedPort = Ports.freePort();
        GarbageServer garbage = track(new GarbageServer());
        Map<String, Object> cfg = config("unresolvable.invalid:1935", "127.0.0.1:" + closedPort, "127.0.0.1:" + garbage.port());
        cfg.put("connect__timeout", 1000L);
        cfg.put("retry__pause", 200L);
        cfg.put("max__retries", 2);
        Node edge = edge(cfg, 3);
        publish(a, "live", "ok", 40);
        long start = System.nanoTime();

        // Only bad origins: the HTTP-FLV request ends with 404 after hstrs_timeout, the RTMP player waits.
        Player waiting = play(edge, "live", "none");
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create(edge.flvUrl("live", "none"))).timeout(Duration.ofSeconds(15)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        long left = 10_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Thread.sleep(Math.max(0, left));
        int attempts = garbage.connections.get();
        assertTrue(attempts >= 1 && attempts <= 4, "bounded retries on the garbage origin in 10 s: " + attempts);
        assertEquals(List.of(), edge.edge.pullKeys(), "the pull gave up");
        assertFalse(waiting.closed, "the RTMP player still waits");
        assertEquals(0, waiting.messages.get());

        // The edge is healthy: with the real origin added at the end of the list, a new reader lands on it.
        Map<String, Object> withA = new HashMap<>(cfg);
        withA.put("origins", new String[]{"unresolvable.invalid:1935", "127.0.0.1:" + closedPort, "127.0.0.1:" + garbage.port(), a.address()});
        Components.call(edge.edge, "modified", Components.config(EdgePuller.Config.class, withA));
        Player player = play(edge, "live", "ok");
        assertTrue(player.awaitKeyframeAfter(0, 15000), "the pull lands on the real origin");
        assertTrue(edge.hub.stream(StreamKey.of("live", "ok")).sourceDescription().contains(a.address()));
    }

    @Test
    void streamPublishedToTheEdgeIsPushedToTheOrigin() throws Exception {
        Node a = origin();
        Node edge = edge(config(a.address()), 10);
        StreamKey key = StreamKey.of("live", "up");
        publish(edge, "live", "up", 30);
        Await.until("the origin receives the edge's publish", Duration.ofSeconds(10), () -> isPublished(a, key));
        assertEquals(SourceKind.PUBLISH, a.hub.stream(key).sourceKind());
        Player onOrigin = play(a, "live", "up");
        assertTrue(onOrigin.awaitKeyframeAfter(0, 10000), "the origin's players get the stream");
        assertEquals(List.of(key), edge.edge.pushKeys());
    }
}
