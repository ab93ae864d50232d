package org.fluvia.security.internal;

import org.fluvia.media.api.ClientHook;
import org.fluvia.media.core.internal.ClientTable;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

import java.util.Map;

/** Event loops, hub, client table and RTMP server wired by hand on a free loopback port, as DS would. */
final class Node implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final ClientTable clients = new ClientTable();
    final RtmpServer rtmp = new RtmpServer();
    final int port;
    private long serviceIds;

    Node() throws Exception {
        port = Ports.freePort();
        Components.activate(loops, Map.of());
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

    @Override
    public void close() {
        Components.call(rtmp, "deactivate");
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
    }
}
