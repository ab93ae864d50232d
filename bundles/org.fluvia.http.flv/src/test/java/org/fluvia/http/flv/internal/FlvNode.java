package org.fluvia.http.flv.internal;

import org.fluvia.http.server.HttpRoute;
import org.fluvia.http.server.internal.HttpServerComponent;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

import java.util.HashMap;
import java.util.Map;

/** A node of real components wired by hand: event loops, hub, RTMP server, HTTP server, HTTP-FLV. */
final class FlvNode implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final RtmpServer rtmp = new RtmpServer();
    final HttpServerComponent http = new HttpServerComponent();
    final HttpFlvRemux flv = new HttpFlvRemux();
    final int rtmpPort;
    final int httpPort;
    private final Map<String, Object> routeProps = new HashMap<>();

    FlvNode(Map<String, Object> flvConfig) throws Exception {
        rtmpPort = Ports.freePort();
        httpPort = Ports.freePort();
        Components.activate(loops, Map.of());
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.activate(vhost, Map.of());
        Components.call(hub, "addVhost", vhost);
        Components.set(rtmp, "loops", loops);
        Components.set(rtmp, "registry", hub);
        Components.set(rtmp, "clients", new org.fluvia.media.core.internal.ClientTable());
        Components.activate(rtmp, Map.of("listen", new String[]{"127.0.0.1:" + rtmpPort}));
        Components.set(http, "loops", loops);
        Components.activate(http, Map.of("listen", new String[]{"127.0.0.1:" + httpPort}, "name", "server", "dir", ""));
        flv.registry = hub;
        flv.clients = new org.fluvia.media.core.internal.ClientTable();
        Components.activate(flv, new HashMap<>(flvConfig));
        routeProps.put("service.id", 1L);
        routeProps.put(HttpRoute.SERVER_PROPERTY, "server");
        Components.call(http, "addRoute", flv, routeProps);
    }

    /** Unbinds the route as DS does when the HTTP-FLV bundle stops. */
    void stopFlv() {
        Components.call(http, "removeRoute", flv, routeProps);
        flv.deactivate();
    }

    String rtmpUrl(String app, String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + app + "/" + stream;
    }

    String flvUrl(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    @Override
    public void close() {
        flv.deactivate();
        Components.call(http, "deactivate");
        Components.call(rtmp, "deactivate");
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
    }
}
