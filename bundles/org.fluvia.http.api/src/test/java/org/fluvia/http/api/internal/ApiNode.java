package org.fluvia.http.api.internal;

import org.fluvia.http.server.HttpRoute;
import org.fluvia.http.server.internal.HttpServerComponent;
import org.fluvia.media.core.internal.ClientTable;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

import java.util.HashMap;
import java.util.Map;

/**
 * A node of real components wired by hand: event loops, hub, client table, RTMP server, the HTTP
 * listener named "api" and the HTTP API route on it.
 */
final class ApiNode implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final ClientTable clients = new ClientTable();
    final RtmpServer rtmp = new RtmpServer();
    final HttpServerComponent http = new HttpServerComponent();
    final HttpApi api = new HttpApi();
    final int rtmpPort;
    final int httpPort;
    private final Map<String, Object> routeProps = new HashMap<>();

    ApiNode(Map<String, Object> apiConfig) throws Exception {
        rtmpPort = Ports.freePort();
        httpPort = Ports.freePort();
        Components.activate(loops, Map.of());
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.activate(vhost, Map.of());
        Components.call(hub, "addVhost", vhost);
        Components.set(rtmp, "loops", loops);
        Components.set(rtmp, "registry", hub);
        Components.set(rtmp, "clients", clients);
        Components.activate(rtmp, Map.of("listen", new String[]{"127.0.0.1:" + rtmpPort}));
        Components.set(http, "loops", loops);
        Components.activate(http, Map.of("listen", new String[]{"127.0.0.1:" + httpPort}, "name", HttpApi.SERVER, "dir", ""));
        api.registry = hub;
        api.clients = clients;
        Components.activate(api, new HashMap<>(apiConfig));
        routeProps.put("service.id", 1L);
        routeProps.put(HttpRoute.SERVER_PROPERTY, HttpApi.SERVER);
        Components.call(http, "addRoute", api, routeProps);
    }

    String rtmpUrl(String app, String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + app + "/" + stream;
    }

    String apiUrl(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    @Override
    public void close() {
        Components.call(http, "removeRoute", api, routeProps);
        Components.call(http, "deactivate");
        Components.call(rtmp, "deactivate");
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
    }
}
