package org.fluvia.http.server.internal;

import org.fluvia.http.server.HttpRoute;
import org.fluvia.transport.internal.NettyEventLoops;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real components (event loops, HTTP server) wired by hand, listening on a free loopback port:
 * what the bundles do in Felix, without Felix.
 */
final class TestServer implements AutoCloseable {

    private static final AtomicLong SERVICE_IDS = new AtomicLong(1000);

    final NettyEventLoops loops = new NettyEventLoops();
    final HttpServerComponent server = new HttpServerComponent();
    final int port;

    TestServer(Map<String, Object> serverConfig) throws Exception {
        port = freePort();
        Configs.call(loops, "activate", Configs.of(NettyEventLoops.Config.class, Map.of()));
        server.loops = loops;
        Map<String, Object> cfg = new HashMap<>(serverConfig);
        cfg.putIfAbsent("listen", new String[]{"127.0.0.1:" + port});
        try {
            server.activate(Configs.of(HttpServerComponent.Config.class, cfg));
        } catch (Exception | Error e) {
            Configs.call(loops, "deactivate");
            throw e;
        }
    }

    /** Binds a route as DS would, with the service properties DS passes; returns them for {@link #removeRoute}. */
    Map<String, Object> addRoute(HttpRoute route, int ranking, String listener) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", SERVICE_IDS.incrementAndGet());
        props.put("service.ranking", ranking);
        if (listener != null) {
            props.put(HttpRoute.SERVER_PROPERTY, listener);
        }
        server.addRoute(route, props);
        return props;
    }

    Map<String, Object> addRoute(HttpRoute route) {
        return addRoute(route, 0, null);
    }

    void removeRoute(HttpRoute route, Map<String, Object> props) {
        server.removeRoute(route, props);
    }

    RawClient client() throws IOException {
        return new RawClient(port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.deactivate();
        Configs.call(loops, "deactivate");
        assertNoLeakReported();
    }

    static String log() throws IOException {
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/http-server-test.log"));
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * Fails when Netty's paranoid leak detector reported a leak into the test log. Leaks are found
     * when buffers are garbage collected and reported at the next allocation, so collect and allocate.
     */
    static void assertNoLeakReported() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
        }
        try {
            if (log().contains("LEAK:")) {
                throw new AssertionError("Netty reported a buffer leak: see the test log");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
