package org.fluvia.hooks.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.StreamKey;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ffmpeg;
import org.fluvia.testkit.Leaks;
import org.fluvia.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The HTTP hooks bound into a real RTMP node, against a callback server in the test. */
class HttpHooksTest {

    private Node node;
    private HookServer hooks;
    private HttpHooks component;
    private MultiThreadIoEventLoopGroup group;
    private RtmpClient client;
    private final List<Process> processes = new ArrayList<>();

    private static final MediaListener DISCARD = MediaMessage::release;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        node = new Node();
        hooks = new HookServer();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        client = new RtmpClient(group, NioSocketChannel.class);
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (component != null) {
            component.deactivate();
        }
        hooks.close();
        node.close();
        Leaks.assertNoLeakReported();
    }

    /** Activates the hooks with {@code config} (keys as the Config methods are named) and binds them ranked 0. */
    private void configure(Map<String, Object> config) {
        component = new HttpHooks();
        Components.activate(component, config);
        node.addHook(component, 0);
    }

    private static String refusal(CompletableFuture<RtmpClientSession> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause().getMessage();
    }

    private void awaitPublished(StreamKey key, Process publisher, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            var s = node.hub.stream(key);
            if (s != null && s.isPublished()) {
                return;
            }
            assertTrue(publisher.isAlive(), () -> "ffmpeg ended: " + read(log));
            Thread.sleep(50);
        }
        fail(key + " was not published: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Ffmpeg.read(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void ffmpegIsRefusedByCode1AndPublishesWhenTheHookAnswers0() throws Exception {
        hooks.route("/publish", c -> c.field("stream").equals("refused")
                ? new HookServer.Answer(200, "{\"code\":1,\"msg\":\"no\"}")
                : new HookServer.Answer(200, " 0\n"));
        hooks.route("/unpublish", 200, "0");
        configure(Map.of("on__publish", new String[]{hooks.url("/publish")}, "on__unpublish", new String[]{hooks.url("/unpublish")}));

        Path refusedLog = dir.resolve("refused.log");
        Process refused = track(Ffmpeg.publish(node.url("live", "refused"), 30, refusedLog));
        assertNotEquals(0, Ffmpeg.waitFor(refused, 10), "a refused ffmpeg exits with an error");
        assertNull(node.hub.stream(StreamKey.of("live", "refused")));
        assertEquals(1, hooks.calls("/publish").size());
        assertTrue(hooks.calls("/unpublish").isEmpty(), "a refused publish is not unpublished");

        Path log = dir.resolve("allowed.log");
        Process allowed = track(Ffmpeg.publish(node.url("live", "cam?token=t1"), 2, log));
        awaitPublished(StreamKey.of("live", "cam"), allowed, log);
        HookServer.Call call = hooks.calls("/publish").get(1);
        assertEquals("on_publish", call.field("action"));
        assertEquals("127.0.0.1", call.field("ip"));
        assertEquals(StreamKey.DEFAULT_VHOST, call.field("vhost"));
        assertEquals("live", call.field("app"));
        assertEquals("cam", call.field("stream"));
        assertEquals("?token=t1", call.field("param"));
        assertEquals("rtmp://127.0.0.1:" + node.port + "/live", call.field("tcUrl"));
        assertEquals("/live/cam", call.field("stream_url"));
        assertEquals(HttpHooks.SERVER_ID, call.field("server_id"));
        assertNotNull(call.field("service_id"));
        Client publisher = node.clients.clients().stream().filter(c -> c.role() == Client.Role.PUBLISH).findFirst().orElseThrow();
        assertEquals(String.valueOf(publisher.id()), call.field("client_id"));

        assertEquals(0, Ffmpeg.waitFor(allowed, 20), read(log));
        HookServer.Call unpublish = hooks.await("/unpublish", 1).get(0);
        assertEquals("on_unpublish", unpublish.field("action"));
        assertEquals("cam", unpublish.field("stream"));
        assertEquals(call.field("client_id"), unpublish.field("client_id"));
    }

    @Test
    void severalUrlsAreAskedInOrderAndARefusalByTheSecondRefuses() throws Exception {
        hooks.route("/a", 200, "0");
        hooks.route("/b", c -> c.field("stream").equals("no") ? new HookServer.Answer(403, "forbidden")
                : new HookServer.Answer(200, "{ \"code\" : 0 }"));
        hooks.route("/c", 200, "0");
        hooks.route("/play", 200, "{\"code\":0}");
        hooks.route("/stop", 500, "broken");
        hooks.route("/stop2", 200, "0");
        configure(Map.of("on__publish", new String[]{hooks.url("/a"), hooks.url("/b"), hooks.url("/c")},
                "on__play", new String[]{hooks.url("/play")},
                "on__stop", new String[]{hooks.url("/stop"), hooks.url("/stop2")}));

        String why = refusal(client.publish(node.url("live", "no")));
        assertTrue(why.contains("NetStream.Publish.Rejected"), why);
        assertEquals(List.of("/a", "/b"), hooks.calls.stream().map(HookServer.Call::path).toList(),
                "the third URL is not asked once the second refused");

        hooks.calls.clear();
        try (RtmpClientSession pub = client.publish(node.url("live", "yes")).get(10, TimeUnit.SECONDS)) {
            assertEquals(List.of("/a", "/b", "/c"), hooks.calls.stream().map(HookServer.Call::path).toList());
            List<HookServer.Call> abc = hooks.calls;
            assertTrue(abc.get(0).atNanos() < abc.get(1).atNanos() && abc.get(1).atNanos() < abc.get(2).atNanos());

            RtmpClientSession player = client.play(node.url("live", "yes?who=me"), DISCARD).get(10, TimeUnit.SECONDS);
            HookServer.Call play = hooks.calls("/play").get(0);
            assertEquals("on_play", play.field("action"));
            assertEquals("?who=me", play.field("param"));
            player.close();
            // the first on_stop URL fails; the second is told all the same
            HookServer.Call stop = hooks.await("/stop2", 1).get(0);
            assertEquals("on_stop", stop.field("action"));
            assertEquals(play.field("client_id"), stop.field("client_id"));
            assertEquals(1, hooks.calls("/stop").size());
        }
    }

    @Test
    void aHookThatNeverAnswersTimesOutAndRefusesWithoutStallingOtherClients() throws Exception {
        hooks.route("/publish", c -> c.field("stream").equals("slow") ? null : new HookServer.Answer(200, "0"));
        hooks.route("/play", 200, "0");
        configure(Map.of("on__publish", new String[]{hooks.url("/publish")}, "on__play", new String[]{hooks.url("/play")},
                "timeout", 1));

        long started = System.nanoTime();
        CompletableFuture<RtmpClientSession> slow = client.publish(node.url("live", "slow"));
        hooks.await("/publish", 1);
        // meanwhile, on the same node (one event loop group), another publish and a play go through
        long fastStart = System.nanoTime();
        RtmpClientSession fast = client.publish(node.url("live", "fast")).get(10, TimeUnit.SECONDS);
        RtmpClientSession player = client.play(node.url("live", "fast"), DISCARD).get(10, TimeUnit.SECONDS);
        long fastMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fastStart);
        assertFalse(slow.isDone(), "the slow publish is still waiting for its hook");
        assertTrue(fastMs < 900, "the allowed publish and play took " + fastMs + " ms while the other client waited");

        String why = refusal(slow);
        long slowMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(why.contains("NetStream.Publish.Rejected"), why);
        assertTrue(slowMs >= 900 && slowMs < 5000, "refused after the 1 s timeout, not " + slowMs + " ms");
        assertNull(node.hub.stream(StreamKey.of("live", "slow")));
        player.close();
        fast.close();
    }

    @Test
    void refusalsNameTheUrlAndWhatCameBack() throws Exception {
        int closedPort = Ports.freePort();
        hooks.route("/text", 200, "ok");
        hooks.route("/status", 201, "0");
        hooks.route("/code", 200, "{\"code\":\"0\"}");
        Client c = new TestClient(Client.Role.PUBLISH);
        Map<String, String> expected = Map.of(
                hooks.url("/text"), "HTTP 200 'ok'",
                hooks.url("/status"), "HTTP 201 '0'",
                hooks.url("/code"), "HTTP 200 '{\"code\":\"0\"}'",
                "http://127.0.0.1:" + closedPort + "/down", "ConnectException");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            HttpHooks h = new HttpHooks();
            Components.activate(h, Map.of("on__publish", new String[]{e.getKey()}));
            try {
                ExecutionException x = assertThrows(ExecutionException.class, () -> h.onPublish(c).toCompletableFuture().get(10, TimeUnit.SECONDS));
                assertInstanceOf(org.fluvia.media.api.AccessDeniedException.class, x.getCause());
                String m = x.getCause().getMessage();
                assertTrue(m.startsWith("http_hooks: on_publish " + e.getKey() + " refused client 42 (live/cam from 10.1.2.3): "), m);
                assertTrue(m.contains(e.getValue()), m);
            } finally {
                h.deactivate();
            }
        }
    }

    @Test
    void otherVhostsDisabledHooksAndBadUrls() throws Exception {
        hooks.route("/publish", 200, "{\"code\":1}");
        Map<String, Object> cfg = new HashMap<>(Map.of("vhost", "other.example", "on__publish", new String[]{hooks.url("/publish")}));
        HttpHooks h = new HttpHooks();
        Components.activate(h, cfg);
        assertNull(h.onPublish(new TestClient(Client.Role.PUBLISH)).toCompletableFuture().get(1, TimeUnit.SECONDS),
                "a client of another vhost is not asked about");
        h.deactivate();
        cfg.put("vhost", StreamKey.DEFAULT_VHOST);
        cfg.put("enabled", false);
        HttpHooks off = new HttpHooks();
        Components.activate(off, cfg);
        assertNull(off.onPublish(new TestClient(Client.Role.PUBLISH)).toCompletableFuture().get(1, TimeUnit.SECONDS));
        off.deactivate();
        assertTrue(hooks.calls.isEmpty(), hooks.calls.toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Components.activate(new HttpHooks(), Map.of("on__play", new String[]{"ftp://x/y"})));
        assertEquals("http_hooks on_play 'ftp://x/y' is not an http:// or https:// URL", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Components.activate(new HttpHooks(), Map.of("timeout", 0)));
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    /** A publisher from 10.1.2.3 as a server would register it. */
    private record TestClient(Role role) implements Client {
        @Override
        public long id() {
            return 42;
        }

        @Override
        public String protocol() {
            return "rtmp";
        }

        @Override
        public String ip() {
            return "10.1.2.3";
        }

        @Override
        public StreamKey stream() {
            return StreamKey.of("live", "cam");
        }

        @Override
        public String url() {
            return "rtmp://example/live/cam";
        }

        @Override
        public String param() {
            return "";
        }

        @Override
        public long connectedAt() {
            return 0;
        }

        @Override
        public long bytesIn() {
            return 0;
        }

        @Override
        public long bytesOut() {
            return 0;
        }

        @Override
        public void kick() {
        }
    }
}
