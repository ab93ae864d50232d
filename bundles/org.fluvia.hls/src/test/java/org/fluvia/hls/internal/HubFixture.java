package org.fluvia.hls.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Leaks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A hub and an HLS component (with any segment encoder) as plain objects. */
final class HubFixture implements AutoCloseable {

    final StreamHub hub = new StreamHub();
    final HlsComponent hls = new HlsComponent();
    private boolean closed;

    HubFixture(Path dir, Map<String, Object> hlsConfig, java.util.function.Supplier<SegmentEncoder> encoders) {
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.call(vhost, "activate", Components.config(VhostPlayConfig.Config.class, Map.of()));
        Components.call(hub, "addVhost", vhost);
        hls.registry = hub;
        hls.encoders = encoders;
        Map<String, Object> cfg = new HashMap<>(hlsConfig);
        cfg.put("hls__path", dir.toString());
        hls.activate(Components.config(HlsComponent.Config.class, cfg));
        Components.call(hub, "addObserver", hls);
    }

    Publication publish(String app, String stream) throws Exception {
        return hub.publish(StreamKey.of(app, stream), SourceKind.PUBLISH, "test publisher");
    }

    /**
     * Publishes {@code messages} (taking them over), pausing every {@code paceEvery} messages so the
     * muxer never falls a whole reader queue behind.
     */
    static void send(Publication p, List<MediaMessage> messages, int paceEvery) throws InterruptedException {
        int n = 0;
        for (MediaMessage m : messages) {
            p.publish(m);
            if (++n % paceEvery == 0) {
                Thread.sleep(5);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            hls.deactivate();
            Components.call(hub, "deactivate");
        }
        Leaks.assertNoLeakReported();
    }
}
