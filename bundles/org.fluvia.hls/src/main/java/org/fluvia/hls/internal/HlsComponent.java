package org.fluvia.hls.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.http.server.HttpRoute;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamObserver;
import org.fluvia.media.api.StreamRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HLS for one vhost (SRS {@code vhost { hls { ... } }}): a muxer per published stream, cutting
 * MPEG-TS segments on the stream's own timeline into hls_path and keeping each stream's m3u8 window.
 *
 * <p>A configuration change (a SIGHUP reload, the Web Console) is applied by {@link #modified(Config)}
 * without re-activating: a change of hls_fragment, hls_window, hls_td_ratio, hls_wait_keyframe,
 * hls_cleanup or hls_dispose reaches the running muxers, which keep their subscriptions, playlists and
 * files; the new segment rule applies from each stream's next segment boundary and the numbering
 * continues (see {@link Segmenter} for what that means for segments across nodes). A change of vhost,
 * hls_path, hls_m3u8_file or hls_ts_file restarts the muxers as a re-activation does: the old files are
 * deleted and the streams are muxed afresh under the new names.
 */
@Component(configurationPid = HlsComponent.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {StreamObserver.class, HttpRoute.class},
        property = HttpRoute.SERVER_PROPERTY + "=" + HttpRoute.DEFAULT_SERVER)
@Designate(ocd = HlsComponent.Config.class, factory = true)
public class HlsComponent implements StreamObserver, HttpRoute {

    static final String FACTORY_PID = "org.fluvia.hls";
    private static final Logger LOG = LoggerFactory.getLogger(HlsComponent.class);
    /** File tasks queued beyond this are refused (and logged): a stuck disk must not grow memory without bound. */
    private static final int IO_QUEUE = 4096;

    @ObjectClassDefinition(name = "Fluvia HLS", description = "HLS segmenting of one vhost's streams (SRS vhost.hls).")
    public @interface Config {
        @AttributeDefinition(name = "vhost", description = "The vhost whose streams are muxed; __defaultVhost__ for clients that name none.")
        String vhost() default StreamKey.DEFAULT_VHOST;

        @AttributeDefinition(name = "hls_fragment", description = "Seconds per segment: segments are cut at the first keyframe at or after each multiple of this on the stream's timeline.")
        double hls__fragment() default 10;

        @AttributeDefinition(name = "hls_window", description = "Seconds of segments the playlist lists.")
        double hls__window() default 60;

        @AttributeDefinition(name = "hls_td_ratio", description = "With hls_wait_keyframe off, a segment longer than hls_fragment times this is cut at any frame.")
        double hls__td__ratio() default 1.5;

        @AttributeDefinition(name = "hls_wait_keyframe", description = "Cut segments only at keyframes.")
        boolean hls__wait__keyframe() default true;

        @AttributeDefinition(name = "hls_path", description = "The directory the playlists and segments are written to (the HTTP server's document root).")
        String hls__path() default "./objs/nginx/html";

        @AttributeDefinition(name = "hls_m3u8_file", description = "The playlist's path below hls_path; [vhost], [app] and [stream] are replaced.")
        String hls__m3u8__file() default "[app]/[stream].m3u8";

        @AttributeDefinition(name = "hls_ts_file", description = "A segment's path below hls_path; also [seq] and [timestamp] (its start on the stream's timeline, ms).")
        String hls__ts__file() default "[app]/[stream]-[seq].ts";

        @AttributeDefinition(name = "hls_cleanup", description = "Delete segments that left the playlist window.")
        boolean hls__cleanup() default true;

        @AttributeDefinition(name = "hls_dispose", description = "Seconds after an unpublish (with no republish) after which the playlist and segments are deleted; 0 = never.")
        double hls__dispose() default 120;
    }

    @Reference
    StreamRegistry registry;

    /** Makes each stream's segment encoder; tests swap it. */
    Supplier<SegmentEncoder> encoders = TsSegmentEncoder::new;
    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private volatile HlsSettings settings;
    private volatile ScheduledThreadPoolExecutor mux;
    private volatile ThreadPoolExecutor io;
    private volatile ScheduledFuture<?> sweeper;
    volatile PlaylistRequests requests;
    /** See {@link HlsSettings#onDemandIdleMs()}; tests shorten it. */
    volatile long onDemandIdleMs;
    final ConcurrentHashMap<StreamKey, HlsStream> streams = new ConcurrentHashMap<>();

    @Activate
    void activate(Config config) {
        settings = HlsSettings.of(config);
        String name = "hls-" + settings.vhost();
        mux = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory(name + "-mux", true));
        mux.setRemoveOnCancelPolicy(true);
        io = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(IO_QUEUE),
                new DefaultThreadFactory(name + "-io", true));
        requests = new PlaylistRequests(this, settings);
        onDemandIdleMs = settings.onDemandIdleMs();
        sweeper = scheduleSweep(settings);
        LOG.info("hls [{}]: fragment {} s, window {} s, into {}", settings.vhost(), settings.fragmentMs() / 1000.0,
                settings.windowMs() / 1000.0, settings.path().toAbsolutePath());
        for (Stream s : registry.streams()) {
            if (s.isPublished()) {
                streamPublished(s);
            }
        }
    }

    private ScheduledFuture<?> scheduleSweep(HlsSettings s) {
        long sweep = Math.min(5000, s.fragmentMs());
        return mux.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * A changed configuration, applied without dropping a stream where it can be (see the class
     * comment). An invalid one throws, and DS then deactivates the component, as it would not have
     * activated with it.
     */
    @Modified
    void modified(Config config) {
        HlsSettings next = HlsSettings.of(config);
        HlsSettings old = settings;
        if (next.equals(old)) {
            return;
        }
        if (!HlsStream.sameFiles(old, next)) {
            LOG.info("hls [{}]: vhost, hls_path or a file name template changed; restarting its muxers", old.vhost());
            stop(false);
            activate(config);
            return;
        }
        settings = next;
        PlaylistRequests r = requests;
        if (r.waitMs == old.firstPlaylistWaitMs()) {
            r.waitMs = next.firstPlaylistWaitMs();
        }
        if (onDemandIdleMs == old.onDemandIdleMs()) {
            onDemandIdleMs = next.onDemandIdleMs();
        }
        if (next.fragmentMs() != old.fragmentMs()) {
            sweeper.cancel(false);
            try {
                sweeper = scheduleSweep(next);
            } catch (RejectedExecutionException e) {
                LOG.debug("hls [{}]: stopped; not rescheduling the sweep", next.vhost());
            }
        }
        LOG.info("hls [{}]: configuration changed live: fragment {} s, window {} s, td_ratio {}, wait_keyframe {}, "
                        + "cleanup {}, dispose {} s; {} running muxers follow from their next segment",
                next.vhost(), next.fragmentMs() / 1000.0, next.windowMs() / 1000.0, next.tdRatio(), next.waitKeyframe(),
                next.cleanup(), next.disposeMs() / 1000.0, streams.size());
        execute(() -> {
            for (HlsStream s : streams.values()) {
                s.settings(next);
            }
        });
    }

    /**
     * When the node shuts down, HLS is finalised (the open segment written, the files stay for the
     * next start); when only this bundle or configuration goes away, its playlists and segments are
     * deleted, so its URLs answer 404 instead of a playlist that no longer advances.
     */
    @Deactivate
    void deactivate(BundleContext context) {
        boolean nodeStopping = context.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() == Bundle.STOPPING;
        stop(nodeStopping);
    }

    /** Stops as at node shutdown: the files stay. */
    void deactivate() {
        stop(true);
    }

    void stop(boolean keepFiles) {
        sweeper.cancel(false);
        requests.cancelAll();
        CountDownLatch finished = new CountDownLatch(1);
        try {
            mux.execute(() -> {
                for (HlsStream s : streams.values()) {
                    if (keepFiles) {
                        s.finish();
                    } else {
                        s.dispose("the HLS component stopped");
                    }
                }
                streams.clear();
                finished.countDown();
            });
            finished.await(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            LOG.warn("hls [{}]: mux executor already stopped", settings.vhost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown(mux, "mux");
        shutdown(io, "file writer");
    }

    private void shutdown(java.util.concurrent.ExecutorService e, String what) {
        e.shutdown();
        try {
            if (!e.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("hls [{}]: {} did not stop within 10 s", settings.vhost(), what);
                e.shutdownNow();
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            e.shutdownNow();
        }
    }

    /**
     * Playlist requests: on disk, the static file server answers; for a stream not muxed here, the
     * stream is subscribed to (an edge then pulls it) and the request waits for its first playlist.
     */
    @Override
    public boolean handle(HttpExchange exchange) {
        return requests.handle(exchange);
    }

    HlsSettings settings() {
        return settings;
    }

    @Override
    public void streamPublished(Stream stream) {
        StreamKey key = stream.key();
        if (!key.vhost().equals(settings.vhost())) {
            return;
        }
        // A stream this node pulls is muxed while HLS viewers ask for it; a published one always.
        boolean pulled = stream.sourceKind() == SourceKind.PULL;
        execute(() -> {
            HlsStream s = streamFor(key, pulled);
            if (!pulled) {
                s.onDemand = false;
            }
            s.ensureSubscribed();
        });
    }

    /** The stream's muxer, made if there is none (not subscribed yet). Any thread. */
    HlsStream streamFor(StreamKey key, boolean onDemand) {
        return streams.compute(key, (k, s) -> s != null && !s.isGone() ? s
                : new HlsStream(k, settings, registry, mux, io, encoders.get(), alloc, onDemand, gone -> streams.remove(k, gone),
                        this::settings));
    }

    void execute(Runnable task) {
        try {
            mux.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("hls [{}]: stopped; ignoring a stream event", settings.vhost());
        }
    }

    /** Drops on-demand streams nobody asked for lately (their pull may then stop). On the mux executor. */
    private void sweep() {
        long idle = onDemandIdleMs;
        List<HlsStream> expired = new ArrayList<>();
        for (HlsStream s : streams.values()) {
            if (s.onDemand && s.waiters.isEmpty() && s.idleMs() > idle) {
                expired.add(s);
            }
        }
        for (HlsStream s : expired) {
            s.dispose("no playlist request for " + idle / 1000 + " s");
        }
    }
}
