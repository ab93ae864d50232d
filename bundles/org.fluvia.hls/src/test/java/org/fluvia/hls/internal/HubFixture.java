package org.fluvia.hls.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A hub and an HLS component (with any segment encoder) as plain objects. */
final class HubFixture implements AutoCloseable {

    final StreamHub hub = new StreamHub();
    final HlsComponent hls = new HlsComponent();
    private boolean closed;

    HubFixture(Path dir, Map<String, Object> hlsConfig, java.util.function.Supplier<SegmentEncoder> encoders) {
        VhostPlayConfig vhost = new VhostPlayConfig();
        Configs.call(vhost, "activate", Configs.of(VhostPlayConfig.Config.class, Map.of()));
        Configs.call(hub, "addVhost", vhost);
        hls.registry = hub;
        hls.encoders = encoders;
        Map<String, Object> cfg = new HashMap<>(hlsConfig);
        cfg.put("hls__path", dir.toString());
        hls.activate(Configs.of(HlsComponent.Config.class, cfg));
        Configs.call(hub, "addObserver", hls);
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

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            hls.deactivate();
            Configs.call(hub, "deactivate");
        }
        Leaks.assertNoLeakReported();
    }
}
