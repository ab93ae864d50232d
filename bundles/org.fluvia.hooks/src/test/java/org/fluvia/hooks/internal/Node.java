package org.fluvia.hooks.internal;

import org.fluvia.media.api.ClientHook;
import org.fluvia.media.core.internal.ClientTable;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.transport.internal.NettyEventLoops;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Event loops, hub, client table and RTMP server wired by hand on a free loopback port, as DS would.
 * One I/O thread: every client shares one event loop, so a hook that blocked it would stall them all.
 */
final class Node implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final ClientTable clients = new ClientTable();
    final RtmpServer rtmp = new RtmpServer();
    final int port;
    private long serviceIds;

    Node() throws Exception {
        port = freePort();
        Components.activate(loops, Map.of("io__threads", 1));
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.activate(vhost, Map.of());
        Components.call(hub, "addVhost", vhost);
        Components.set(rtmp, "loops", loops);
        Components.set(rtmp, "registry", hub);
        Components.set(rtmp, "clients", clients);
        Components.activate(rtmp, Map.of("listen", new String[]{"127.0.0.1:" + port}));
    }

    /** Binds a hook as DS does, with its service ranking. */
    void addHook(ClientHook hook, int ranking) {
        Components.call(clients, "addHook", hook, Map.of("service.ranking", ranking, "service.id", ++serviceIds));
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
        Components.call(rtmp, "deactivate");
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
    }

    /** Fails when Netty's paranoid leak detector reported a leak into the test log; collects and allocates first. */
    static void assertNoLeakReported() throws Exception {
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/hooks-test.log"));
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
        }
        if (Files.exists(log) && Files.readString(log).contains("LEAK:")) {
            throw new AssertionError("Netty reported a buffer leak: see " + log);
        }
    }
}
