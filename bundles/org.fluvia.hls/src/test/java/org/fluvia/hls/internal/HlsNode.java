package org.fluvia.hls.internal;

import org.fluvia.http.server.HttpRoute;
import org.fluvia.http.server.internal.HttpServerComponent;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Leaks;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A node made of the real components (event loops, hub, RTMP server, HTTP server serving hls_path,
 * HLS) wired by hand on free loopback ports: what the bundles do in Felix, without Felix.
 */
final class HlsNode implements AutoCloseable {

    final NettyEventLoops loops = new NettyEventLoops();
    final StreamHub hub = new StreamHub();
    final RtmpServer rtmp = new RtmpServer();
    final HttpServerComponent http = new HttpServerComponent();
    final HlsComponent hls = new HlsComponent();
    final int rtmpPort;
    final int httpPort;

    HlsNode(Path dir, Map<String, Object> hlsConfig) throws Exception {
        rtmpPort = Ports.freePort();
        httpPort = Ports.freePort();
        Components.call(loops, "activate", Components.config(NettyEventLoops.Config.class, Map.of()));
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.call(vhost, "activate", Components.config(VhostPlayConfig.Config.class, Map.of()));
        Components.call(hub, "addVhost", vhost);
        Components.set(rtmp, "loops", loops);
        Components.set(rtmp, "registry", hub);
        Components.set(rtmp, "clients", new org.fluvia.media.core.internal.ClientTable());
        Components.call(rtmp, "activate", Components.config(RtmpServer.Config.class, Map.of("listen", new String[]{"127.0.0.1:" + rtmpPort})));
        Components.set(http, "loops", loops);
        Components.call(http, "activate", Components.config(HttpServerComponent.Config.class,
                Map.of("listen", new String[]{"127.0.0.1:" + httpPort}, "dir", dir.toString())));
        hls.registry = hub;
        Map<String, Object> cfg = new HashMap<>(hlsConfig);
        cfg.put("hls__path", dir.toString());
        hls.activate(Components.config(HlsComponent.Config.class, cfg));
        Components.call(hub, "addObserver", hls);
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", 4711L);
        props.put("service.ranking", 0);
        props.put(HttpRoute.SERVER_PROPERTY, HttpRoute.DEFAULT_SERVER);
        Components.call(http, "addRoute", hls, props);
    }

    String rtmpUrl(String app, String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + app + "/" + stream;
    }

    String httpUrl(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    @Override
    public void close() {
        Components.call(http, "deactivate");
        hls.deactivate();
        Components.call(rtmp, "deactivate");
        Components.call(hub, "deactivate");
        Components.call(loops, "deactivate");
        Leaks.assertNoLeakReported();
    }
}
