package org.fluvia.rtmp.server.internal;

import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.transport.internal.NettyEventLoops;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * A node made of the real components (event loops, hub, RTMP server) wired by hand, listening on a
 * free loopback port: what the bundles do in Felix, without Felix.
 */
final class TestNode implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final org.fluvia.media.core.internal.ClientTable clients = new org.fluvia.media.core.internal.ClientTable();
    final RtmpServer server = new RtmpServer();
    final int port;

    TestNode() throws Exception {
        this(Map.of());
    }

    TestNode(Map<String, Object> serverConfig) throws Exception {
        port = freePort();
        Configs.call(loops, "activate", Configs.of(NettyEventLoops.Config.class, Map.of()));
        VhostPlayConfig vhost = new VhostPlayConfig();
        Configs.call(vhost, "activate", Configs.of(VhostPlayConfig.Config.class, Map.of()));
        Configs.call(hub, "addVhost", vhost);
        server.loops = loops;
        server.registry = hub;
        server.clients = clients;
        Map<String, Object> cfg = new HashMap<>(serverConfig);
        cfg.putIfAbsent("listen", new String[]{"127.0.0.1:" + port});
        server.activate(Configs.of(RtmpServer.Config.class, cfg));
    }

    /** Configures a named vhost, as a vhost factory configuration would. */
    void addVhost(String name) {
        VhostPlayConfig vhost = new VhostPlayConfig();
        Configs.call(vhost, "activate", Configs.of(VhostPlayConfig.Config.class, Map.of("vhost", name)));
        Configs.call(hub, "addVhost", vhost);
    }

    String url(String app, String stream) {
        return "rtmp://127.0.0.1:" + port + "/" + app + "/" + stream;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.deactivate();
        Configs.call(hub, "deactivate");
        Configs.call(loops, "deactivate");
        assertNoLeakReported();
    }

    /**
     * Fails when Netty's paranoid leak detector reported a leak into the test log. Leaks are found
     * when buffers are garbage collected and reported at the next allocation, so collect and allocate.
     */
    static void assertNoLeakReported() {
        java.nio.file.Path log = java.nio.file.Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/rtmp-server-test.log"));
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
        }
        try {
            if (java.nio.file.Files.exists(log) && java.nio.file.Files.readString(log).contains("LEAK:")) {
                throw new AssertionError("Netty reported a buffer leak: see " + log);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
