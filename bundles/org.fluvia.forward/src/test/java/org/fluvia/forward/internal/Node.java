package org.fluvia.forward.internal;

import org.fluvia.media.core.internal.ClientTable;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

import java.util.Map;

/**
 * A node of real components wired by hand, as the bundles are in Felix: event loops, hub, RTMP server
 * on a loopback port and, when asked, a {@link Forwarder}.
 */
final class Node implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final RtmpServer rtmp = new RtmpServer();
    final int port;
    Forwarder forwarder;
    private boolean listening;

    /** A node listening on a free port. */
    Node() throws Exception {
        this(Ports.freePort(), true);
    }

    /** A node on {@code port}; it listens once {@link #listen()} is called (or at once when {@code listen}). */
    Node(int port, boolean listen) throws Exception {
        this(port, listen, Map.of());
    }

    /** @param vhostConfig the default vhost's play settings (e.g. {@code queue__length}) */
    Node(int port, boolean listen, Map<String, Object> vhostConfig) throws Exception {
        this.port = port;
        Components.activate(loops, Map.of());
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.activate(vhost, vhostConfig);
        Components.call(hub, "addVhost", vhost);
        Components.set(rtmp, "loops", loops);
        Components.set(rtmp, "registry", hub);
        Components.set(rtmp, "clients", new ClientTable());
        if (listen) {
            listen();
        }
    }

    void listen() throws Exception {
        // A port just released by a stopped node may take a moment to bind again.
        for (int i = 0; ; i++) {
            try {
                Components.activate(rtmp, Map.of("listen", new String[]{"127.0.0.1:" + port}));
                listening = true;
                return;
            } catch (RuntimeException e) {
                if (i >= 20) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Starts a forwarder on this node, as DS does for a forward factory configuration. */
    Forwarder forward(Map<String, Object> config) {
        forwarder = new Forwarder();
        forwarder.registry = hub;
        forwarder.client = new RtmpClient(loops.ioGroup(), loops.channelType());
        Components.activate(forwarder, config);
        Components.call(hub, "addObserver", forwarder);
        return forwarder;
    }

    /** Stops the forwarder, as DS does when its configuration or bundle goes away. */
    void stopForward() {
        if (forwarder != null) {
            Components.call(hub, "removeObserver", forwarder);
            forwarder.deactivate();
            forwarder = null;
        }
    }

    String destination() {
        return "127.0.0.1:" + port;
    }

    String url(String app, String stream) {
        return "rtmp://127.0.0.1:" + port + "/" + app + "/" + stream;
    }

    @Override
    public void close() {
        stopForward();
        if (listening) {
            Components.call(rtmp, "deactivate");
            listening = false;
        }
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
    }
}
