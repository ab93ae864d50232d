package org.fluvia.hls.internal;

import org.fluvia.http.server.HttpRoute;
import org.fluvia.http.server.internal.HttpServerComponent;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.rtmp.server.internal.RtmpServer;
import org.fluvia.transport.internal.NettyEventLoops;

import java.io.IOException;
import java.net.ServerSocket;
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
        rtmpPort = freePort();
        httpPort = freePort();
        Configs.call(loops, "activate", Configs.of(NettyEventLoops.Config.class, Map.of()));
        VhostPlayConfig vhost = new VhostPlayConfig();
        Configs.call(vhost, "activate", Configs.of(VhostPlayConfig.Config.class, Map.of()));
        Configs.call(hub, "addVhost", vhost);
        Configs.set(rtmp, "loops", loops);
        Configs.set(rtmp, "registry", hub);
        Configs.set(rtmp, "clients", new org.fluvia.media.core.internal.ClientTable());
        Configs.call(rtmp, "activate", Configs.of(RtmpServer.Config.class, Map.of("listen", new String[]{"127.0.0.1:" + rtmpPort})));
        Configs.set(http, "loops", loops);
        Configs.call(http, "activate", Configs.of(HttpServerComponent.Config.class,
                Map.of("listen", new String[]{"127.0.0.1:" + httpPort}, "dir", dir.toString())));
        hls.registry = hub;
        Map<String, Object> cfg = new HashMap<>(hlsConfig);
        cfg.put("hls__path", dir.toString());
        hls.activate(Configs.of(HlsComponent.Config.class, cfg));
        Configs.call(hub, "addObserver", hls);
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", 4711L);
        props.put("service.ranking", 0);
        props.put(HttpRoute.SERVER_PROPERTY, HttpRoute.DEFAULT_SERVER);
        Configs.call(http, "addRoute", hls, props);
    }

    String rtmpUrl(String app, String stream) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + app + "/" + stream;
    }

    String httpUrl(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        Configs.call(http, "deactivate");
        hls.deactivate();
        Configs.call(rtmp, "deactivate");
        Configs.call(hub, "deactivate");
        Configs.call(loops, "deactivate");
        Leaks.assertNoLeakReported();
    }
}
