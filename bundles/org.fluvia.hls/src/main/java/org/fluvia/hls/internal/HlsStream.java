package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One stream's HLS muxer: a hub reader that feeds the {@link Segmenter}, keeps the {@link Playlist}
 * and hands the files to the I/O executor. Everything but the volatile fields and the waiters runs on
 * the component's mux executor.
 */
final class HlsStream implements StreamReader, Segmenter.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(HlsStream.class);
    /** With hls_dispose off, how long an unpublished stream's subscription waits for a republish. */
    static final long RELEASE_MS = 30_000;

    /** Someone waiting for the stream's first playlist (an HTTP request). */
    interface PlaylistWaiter {
        /** Called on the I/O thread with the playlist just written; must not block. */
        void playlistReady(byte[] playlist);
    }

    final StreamKey key;
    /** Changed only by {@link #settings(HlsSettings)}, on the mux executor. */
    private volatile HlsSettings settings;
    /** The component's settings now: checked at each batch of messages, so a change is never missed. */
    private final Supplier<HlsSettings> latest;
    private final StreamRegistry registry;
    private final ScheduledExecutorService mux;
    private final Executor io;
    private final Consumer<HlsStream> onGone;
    private final Segmenter segmenter;
    private final Playlist playlist;
    private final Path playlistFile;
    private final Path playlistDir;

    /**
     * Pulled for HLS viewers (or a pull source): the subscription is dropped when no playlist request
     * came for {@link HlsSettings#onDemandIdleMs()}, letting the pull stop.
     */
    volatile boolean onDemand;
    private Subscription subscription;
    private ScheduledFuture<?> disposeTimer;
    /** When the release timer was started (System.nanoTime()), so a changed hls_dispose counts from the unpublish. */
    private long releaseStartNanos;
    private volatile boolean gone;
    private boolean published;

    private volatile byte[] playlistBytes;
    private volatile long lastRequestNanos = System.nanoTime();
    final Set<PlaylistWaiter> waiters = ConcurrentHashMap.newKeySet();

    HlsStream(StreamKey key, HlsSettings settings, StreamRegistry registry, ScheduledExecutorService mux, Executor io,
              SegmentEncoder encoder, ByteBufAllocator alloc, boolean onDemand, Consumer<HlsStream> onGone,
              Supplier<HlsSettings> latest) {
        this.key = key;
        this.settings = settings;
        this.latest = latest;
        this.registry = registry;
        this.mux = mux;
        this.io = io;
        this.onDemand = onDemand;
        this.onGone = onGone;
        this.segmenter = new Segmenter(key, settings, encoder, alloc, this);
        this.playlist = new Playlist(settings.windowMs());
        this.playlistFile = settings.path().resolve(Template.render(settings.m3u8Template(), key, -1, -1));
        this.playlistDir = playlistFile.toAbsolutePath().getParent();
    }

    Path playlistFile() {
        return playlistFile;
    }

    /** The last playlist written, or null before the first segment. */
    byte[] playlistBytes() {
        return playlistBytes;
    }

    /** A playlist request came: an on-demand stream stays muxed a while longer. Any thread. */
    void touch() {
        lastRequestNanos = System.nanoTime();
    }

    long idleMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRequestNanos);
    }

    // ---- lifecycle, on the mux executor ----

    /** Subscribes unless subscribed; cancels a pending dispose (a republish). */
    void ensureSubscribed() {
        if (gone) {
            return;
        }
        cancelDispose();
        if (subscription == null) {
            subscription = registry.subscribe(key, this);
            LOG.debug("[{}] hls: subscribed{}", key, onDemand ? " (on demand)" : "");
        }
    }

    boolean isSubscribed() {
        return subscription != null;
    }

    boolean isGone() {
        return gone;
    }

    @Override
    public Executor executor() {
        return mux;
    }

    @Override
    public void onPublish(Subscription sub) {
        if (sub != subscription) {
            return;
        }
        cancelDispose();
        published = true;
        segmenter.publish();
        LOG.info("[{}] hls: muxing into {}", key, playlistFile);
    }

    /**
     * Applies changed settings to the running muxer (on the mux executor), keeping the subscription,
     * the playlist and its files: hls_fragment, hls_td_ratio and hls_wait_keyframe from the next
     * segment boundary (see {@link Segmenter}), hls_window when the next segment is added, hls_cleanup
     * to segments leaving the window from now on, hls_dispose to a pending release (counted from the
     * unpublish). Settings that name other files (vhost, hls_path, the templates) are not applied here:
     * the component restarts its muxers for those.
     */
    void settings(HlsSettings next) {
        HlsSettings old = settings;
        if (next == old || gone || !sameFiles(old, next)) {
            return;
        }
        settings = next;
        segmenter.settings(next);
        playlist.windowMs(next.windowMs());
        if (disposeTimer != null && next.disposeMs() != old.disposeMs()) {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releaseStartNanos);
            disposeTimer.cancel(false);
            disposeTimer = null;
            startReleaseTimer(Math.max(0, releaseDelayMs() - elapsed));
        }
        LOG.debug("[{}] hls: settings changed to {}", key, next);
    }

    /** Whether two settings write the same files (what a live change can keep). */
    static boolean sameFiles(HlsSettings a, HlsSettings b) {
        return a.vhost().equals(b.vhost()) && a.path().equals(b.path()) && a.m3u8Template().equals(b.m3u8Template())
                && a.tsTemplate().equals(b.tsTemplate());
    }

    @Override
    public void onMessages(Subscription sub) {
        HlsSettings now = latest.get();
        if (now != settings) {
            settings(now);
        }
        MediaMessage m;
        while ((m = sub.poll()) != null) {
            try {
                if (sub == subscription) {
                    segmenter.accept(m);
                }
            } finally {
                m.release();
            }
        }
    }

    @Override
    public void onUnpublish(Subscription sub) {
        if (sub != subscription) {
            return;
        }
        onMessages(sub);
        published = false;
        segmenter.unpublish();
        if (!onDemand) {
            scheduleRelease();
        }
    }

    @Override
    public void onClose(Subscription sub) {
        if (sub != subscription) {
            return;
        }
        subscription = null;
        published = false;
        segmenter.unpublish();
    }

    /** The component stops: the open segment is written, the subscription closed; files stay. */
    void finish() {
        Subscription sub = subscription;
        if (sub != null) {
            onMessages(sub);
            subscription = null;
            sub.close();
        }
        segmenter.unpublish();
        cancelDispose();
        gone = true;
    }

    /**
     * An on-demand stream whose requests all gave up before it was ever published: forget it, so that
     * requests for streams that exist nowhere leave nothing behind.
     */
    void disposeIfUnavailable() {
        if (onDemand && !published && playlistBytes == null && waiters.isEmpty()) {
            dispose("not available");
        }
    }

    /** Stops muxing and deletes the playlist and every segment (hls_dispose, or an on-demand stream nobody watches). */
    void dispose(String why) {
        if (gone) {
            return;
        }
        gone = true;
        cancelDispose();
        Subscription sub = subscription;
        subscription = null;
        if (sub != null) {
            sub.close();
        }
        segmenter.discard();
        playlistBytes = null;
        List<Segment> files = playlist.allFiles();
        boolean hadFiles = !playlist.isEmpty();
        if (hadFiles) {
            LOG.info("[{}] hls: disposing {} and {} segments ({})", key, playlistFile, files.size(), why);
            submitIo(() -> {
                deleteQuietly(playlistFile);
                for (Segment s : files) {
                    deleteQuietly(settings.path().resolve(s.file()));
                }
            }, null);
        }
        onGone.accept(this);
    }

    /**
     * After an unpublish the subscription is kept, so that a republish continues on it, until hls_dispose
     * (then the files go too) or, with dispose off, {@value #RELEASE_MS} ms (the files stay).
     */
    private void scheduleRelease() {
        cancelDispose();
        releaseStartNanos = System.nanoTime();
        startReleaseTimer(releaseDelayMs());
    }

    private long releaseDelayMs() {
        return settings.disposeMs() > 0 ? settings.disposeMs() : RELEASE_MS;
    }

    private void startReleaseTimer(long delay) {
        disposeTimer = mux.schedule(() -> {
            disposeTimer = null;
            Subscription sub = subscription;
            if (sub != null && sub.stream().isPublished()) {
                return; // republished: its onPublish is on its way
            }
            if (settings.disposeMs() > 0) {
                dispose("unpublished for " + settings.disposeMs() / 1000.0 + " s");
            } else if (sub != null) {
                subscription = null;
                sub.close(); // a republish is announced to the component, which subscribes again
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void cancelDispose() {
        if (disposeTimer != null) {
            disposeTimer.cancel(false);
            disposeTimer = null;
        }
    }

    // ---- segments ----

    @Override
    public void segmentClosed(long seq, long startMs, long durationMs, boolean discontinuity, ByteBuf data) {
        String file = Template.render(settings.tsTemplate(), key, seq, startMs);
        Path segmentFile = settings.path().resolve(file);
        String uri = playlistDir.relativize(segmentFile.toAbsolutePath()).toString().replace('\\', '/');
        Segment s = new Segment(seq, startMs, durationMs, discontinuity, uri, file);
        List<Segment> expired = playlist.add(s);
        byte[] text = playlist.render().getBytes(StandardCharsets.UTF_8);
        boolean cleanup = settings.cleanup();
        submitIo(() -> {
            try {
                HlsFiles.writeAtomically(segmentFile, data);
                HlsFiles.writeAtomically(playlistFile, text);
            } catch (IOException e) {
                LOG.warn("[{}] hls: cannot write segment {} or playlist {}: {}", key, segmentFile, playlistFile, e.toString());
                return;
            } finally {
                data.release();
            }
            playlistBytes = text;
            for (PlaylistWaiter w : waiters) {
                w.playlistReady(text);
            }
            if (cleanup) {
                for (Segment old : expired) {
                    deleteQuietly(settings.path().resolve(old.file()));
                }
            }
        }, data);
        LOG.debug("[{}] hls: segment {} start={} ms duration={} ms", key, file, startMs, durationMs);
    }

    private void submitIo(Runnable task, ByteBuf release) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.warn("[{}] hls: file writer is overloaded or stopped; dropping a write", key);
            if (release != null) {
                release.release();
            }
        }
    }

    private void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("[{}] hls: cannot delete {}: {}", key, file, e.toString());
        }
    }

    @Override
    public String toString() {
        return "hls[" + key + "]";
    }
}
