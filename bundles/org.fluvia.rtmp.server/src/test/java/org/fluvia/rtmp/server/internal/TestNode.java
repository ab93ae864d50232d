package org.fluvia.rtmp.server.internal;

import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Leaks;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

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
        port = Ports.freePort();
        Components.call(loops, "activate", Components.config(NettyEventLoops.Config.class, Map.of()));
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.call(vhost, "activate", Components.config(VhostPlayConfig.Config.class, Map.of()));
        Components.call(hub, "addVhost", vhost);
        server.loops = loops;
        server.registry = hub;
        server.clients = clients;
        Map<String, Object> cfg = new HashMap<>(serverConfig);
        cfg.putIfAbsent("listen", new String[]{"127.0.0.1:" + port});
        server.activate(Components.config(RtmpServer.Config.class, cfg));
    }

    /** Configures a named vhost, as a vhost factory configuration would. */
    void addVhost(String name) {
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.call(vhost, "activate", Components.config(VhostPlayConfig.Config.class, Map.of("vhost", name)));
        Components.call(hub, "addVhost", vhost);
    }

    String url(String app, String stream) {
        return "rtmp://127.0.0.1:" + port + "/" + app + "/" + stream;
    }

    @Override
    public void close() {
        server.deactivate();
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
        Leaks.assertNoLeakReported();
    }
}
