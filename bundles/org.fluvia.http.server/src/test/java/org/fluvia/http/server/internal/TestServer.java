package org.fluvia.http.server.internal;

import org.fluvia.http.server.HttpRoute;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Leaks;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

import java.io.IOException;
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
        this(serverConfig, Map.of(), s -> { });
    }

    /** With the event loops' config, and a last word on the server before it starts. */
    TestServer(Map<String, Object> serverConfig, Map<String, Object> loopConfig,
               java.util.function.Consumer<HttpServerComponent> beforeStart) throws Exception {
        port = Ports.freePort();
        Components.call(loops, "activate", Components.config(NettyEventLoops.Config.class, loopConfig));
        server.loops = loops;
        beforeStart.accept(server);
        Map<String, Object> cfg = new HashMap<>(serverConfig);
        cfg.putIfAbsent("listen", new String[]{"127.0.0.1:" + port});
        try {
            server.activate(Components.config(HttpServerComponent.Config.class, cfg));
        } catch (Exception | Error e) {
            Components.call(loops, "deactivate");
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

    @Override
    public void close() {
        server.deactivate();
        Components.call(loops, "deactivate");
        Leaks.assertNoLeakReported();
    }

    static String log() throws IOException {
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/http-server-test.log"));
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
