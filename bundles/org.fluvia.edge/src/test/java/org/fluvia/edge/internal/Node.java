package org.fluvia.edge.internal;

import org.fluvia.http.flv.internal.HttpFlvRemux;
import org.fluvia.http.server.HttpRoute;
import org.fluvia.http.server.internal.HttpServerComponent;
import org.fluvia.media.core.internal.ClientTable;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

import java.util.HashMap;
import java.util.Map;

/**
 * A node of real components wired by hand: event loops, hub, RTMP server; as an edge also the
 * {@link EdgePuller} (bound to the hub as provider and observer, as DS does) and HTTP-FLV with hstrs.
 */
final class Node implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final RtmpServer rtmp = new RtmpServer();
    final int rtmpPort;
    final RtmpClient client;
    EdgePuller edge;
    HttpServerComponent http;
    HttpFlvRemux flv;
    int httpPort;
    private boolean rtmpStopped;

    private Node() throws Exception {
        rtmpPort = Ports.freePort();
        Components.activate(loops, Map.of("io__threads", 2));
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.activate(vhost, Map.of());
        Components.call(hub, "addVhost", vhost);
        Components.set(rtmp, "loops", loops);
        Components.set(rtmp, "registry", hub);
        Components.set(rtmp, "clients", new ClientTable());
        Components.activate(rtmp, Map.of("listen", new String[]{"127.0.0.1:" + rtmpPort}));
        client = new RtmpClient(loops.ioGroup(), loops.channelType());
    }

    static Node origin() throws Exception {
        return new Node();
    }

    /** An edge pulling from {@code origins}, with HTTP-FLV (hstrs on, {@code hstrsTimeout} s). */
    static Node edge(Map<String, Object> edgeConfig, int hstrsTimeout) throws Exception {
        Node n = new Node();
        n.edge = new EdgePuller();
        Components.set(n.edge, "client", n.client);
        Components.set(n.edge, "registry", n.hub);
        Components.activate(n.edge, edgeConfig);
        Components.call(n.hub, "addProvider", n.edge);
        Components.call(n.hub, "addObserver", n.edge);
        n.httpPort = Ports.freePort();
        n.http = new HttpServerComponent();
        Components.set(n.http, "loops", n.loops);
        Components.activate(n.http, Map.of("listen", new String[]{"127.0.0.1:" + n.httpPort}, "name", "server", "dir", ""));
        n.flv = new HttpFlvRemux();
        Components.set(n.flv, "registry", n.hub);
        Components.set(n.flv, "clients", new ClientTable());
        Components.activate(n.flv, Map.of("hstrs", true, "hstrs__timeout", hstrsTimeout));
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", 1L);
        props.put(HttpRoute.SERVER_PROPERTY, "server");
        Components.call(n.http, "addRoute", n.flv, props);
        return n;
    }

    String rtmpUrl(String app, String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + app + "/" + stream;
    }

    String flvUrl(String app, String stream) {
        return "http://127.0.0.1:" + httpPort + "/" + app + "/" + stream + ".flv";
    }

    /** "127.0.0.1:port", as an edge's origin list names this node. */
    String address() {
        return "127.0.0.1:" + rtmpPort;
    }

    /** Stops the RTMP server (as stopping its bundle does): every RTMP connection of the node closes. */
    void stopRtmp() {
        if (!rtmpStopped) {
            rtmpStopped = true;
            Components.call(rtmp, "deactivate");
        }
    }

    @Override
    public void close() {
        if (edge != null) {
            Components.call(hub, "removeProvider", edge);
            Components.call(hub, "removeObserver", edge);
            Components.call(edge, "deactivate");
        }
        if (flv != null) {
            Components.call(flv, "deactivate");
            Components.call(http, "deactivate");
        }
        stopRtmp();
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
    }
}
