package org.fluvia.edge.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamBusyException;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.rtmp.client.Backoff;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.codec.rtmp.RtmpUrl;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.rtmp.client.RtmpRedirectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One stream pulled from the origins into the hub, with failover: see {@link EdgePuller} for the
 * behaviour. State is changed on the edge's actor thread only; media arrives on a client event loop
 * and goes straight to the publication.
 */
final class Pull {

    private static final Logger LOG = LoggerFactory.getLogger(Pull.class);
    private static final long MAX_ROUND_PAUSE_MS = 30_000;

    final StreamKey key;
    private final EdgePuller edge;
    private final StreamRegistry registry;
    private final Backoff backoff;

    // Actor thread only.
    private int originIndex;
    private int failures;
    private Connection connection;
    private ScheduledFuture<?> retryTimer;
    private ScheduledFuture<?> idleTimer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** The connection allowed to publish; older ones' media is dropped. */
    private volatile int generation;
    private volatile boolean stopped;
    // Guarded by this: opened by the first media message, closed when the pull stops.
    private Publication publication;
    private boolean busy;
    /** The last timestamp published and whether the stream had video: what a failover splices onto. */
    private volatile int lastTimestamp;
    private volatile boolean published;
    private volatile boolean sawVideo;

    Pull(EdgePuller edge, StreamKey key, StreamRegistry registry) {
        this.edge = edge;
        this.key = key;
        this.registry = registry;
        long pause = edge.settings().retryPauseMs();
        this.backoff = new Backoff(Duration.ofMillis(pause), Duration.ofMillis(Math.max(pause, MAX_ROUND_PAUSE_MS)));
    }

    private String tag() {
        return "[" + key + " edge pull]";
    }

    void start() {
        List<Origin> origins = edge.settings().origins();
        originIndex = Math.floorMod(edge.preferredOrigin(), origins.size());
        LOG.info("{} starting at origin {}", tag(), origins.get(originIndex));
        attempt();
    }

    /** A reader subscribed while the stream had no source: keeps a pull in its grace period alive. */
    void readerArrived() {
        cancelIdle();
    }

    void readersChanged(int readers) {
        if (stopped) {
            return;
        }
        if (readers > 0) {
            cancelIdle();
        } else if (idleTimer == null) {
            long grace = edge.settings().idleGraceMs();
            idleTimer = edge.schedule(() -> {
                idleTimer = null;
                var s = registry.stream(key);
                if (s == null || s.readerCount() == 0) {
                    stop("no reader for " + grace + " ms");
                }
            }, grace);
        }
    }

    /** Where the last origin redirected us, tried once by the next attempt. */
    private Origin redirect;

    private void cancelIdle() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    private void attempt() {
        retryTimer = null;
        if (stopped) {
            return;
        }
        List<Origin> origins = edge.settings().origins();
        if (origins.isEmpty()) {
            stop("no origin configured");
            return;
        }
        // An origin that sent us elsewhere: try there once, then the list again.
        Origin origin = redirect != null ? redirect : origins.get(Math.floorMod(originIndex, origins.size()));
        redirect = null;
        Connection c = new Connection(++generation, origin, Math.floorMod(originIndex, origins.size()));
        connection = c;
        long timeout = edge.settings().connectTimeoutMs();
        c.timeout = edge.schedule(() -> {
            if (connection == c && !c.playing) {
                failed(c, "no NetStream.Play.Start within " + timeout + " ms");
            }
        }, timeout);
        edge.resolve(origin.host()).whenComplete((address, e) -> edge.run(() -> {
            if (connection != c) {
                return;
            }
            if (e != null) {
                failed(c, message(e));
                return;
            }
            String url = origin.url(address, key);
            LOG.debug("{} playing {}", tag(), url);
            c.future = edge.client().play(url, c);
            c.future.whenComplete((session, failure) -> edge.run(() -> played(c, session, failure), session));
        }));
    }

    private void played(Connection c, RtmpClientSession session, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof RtmpRedirectException r && connection == c && !stopped) {
                try {
                    RtmpUrl to = RtmpUrl.parse(r.redirect(), false);
                    redirect = new Origin(to.host(), to.port());
                    LOG.info("{} origin {} redirects to {}", tag(), c.origin, redirect);
                } catch (IllegalArgumentException bad) {
                    LOG.warn("{} origin {} sent an unusable redirect '{}': {}", tag(), c.origin, r.redirect(), bad.getMessage());
                }
            }
            failed(c, message(failure));
            return;
        }
        if (connection != c || stopped) {
            session.close();
            return;
        }
        c.session = session;
        c.playing = true;
        c.lastMediaNanos = System.nanoTime();
        if (c.timeout != null) {
            c.timeout.cancel(false);
        }
        long dataTimeout = edge.settings().dataTimeoutMs();
        long period = Math.max(100, Math.min(1000, dataTimeout / 4));
        c.watchdog = edge.schedule(() -> watch(c, dataTimeout, period), period);
        LOG.info("{} playing from origin {}", tag(), c.origin);
    }

    /** Fails a connection that delivers nothing (an origin without the stream, or after UnpublishNotify). */
    private void watch(Connection c, long dataTimeout, long period) {
        if (connection != c) {
            return;
        }
        long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.lastMediaNanos);
        if (idle >= dataTimeout) {
            failed(c, "no media for " + idle + " ms" + (c.unpublished ? " after NetStream.Play.UnpublishNotify" : ""));
        } else {
            c.watchdog = edge.schedule(() -> watch(c, dataTimeout, period), period);
        }
    }

    /** A connection delivered media: this origin is good, failures start over. */
    private void working(Connection c) {
        if (connection != c) {
            return;
        }
        failures = 0;
        backoff.succeeded();
        edge.preferOrigin(c.index);
    }

    private void failed(Connection c, String why) {
        if (connection != c || stopped) {
            return;
        }
        connection = null;
        c.shutdown();
        failures++;
        int n = edge.settings().origins().size();
        int limit = edge.settings().maxRetries() * n;
        if (failures >= limit) {
            LOG.warn("{} origin {} failed: {}; giving up after {} attempts over {} origin(s) (a new reader starts over)",
                    tag(), c.origin, why, failures, n);
            stop("no origin delivered the stream");
            return;
        }
        originIndex = redirect != null ? c.index : c.index + 1;
        long delay = redirect != null ? 0 : failures % n == 0 ? backoff.nextDelayMillis() : edge.settings().retryPauseMs();
        LOG.warn("{} origin {} failed: {}; trying {} in {} ms", tag(), c.origin, why,
                redirect != null ? redirect : edge.settings().origins().get(Math.floorMod(originIndex, n)), delay);
        retryTimer = edge.schedule(this::attempt, delay);
    }

    /**
     * Stops the pull: the connection and the publication close, the edge forgets it.
     *
     * @return completes when the origin connection is closed
     */
    CompletableFuture<Void> stop(String why) {
        if (stopped) {
            return done;
        }
        stopped = true;
        LOG.info("{} stopped: {}", tag(), why);
        cancelIdle();
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
        Connection c = connection;
        connection = null;
        if (c != null) {
            c.shutdown().whenComplete((v, e) -> done.complete(null));
        } else {
            done.complete(null);
        }
        Publication p;
        synchronized (this) {
            p = publication;
            publication = null;
        }
        if (p != null) {
            p.close();
        }
        edge.removed(this);
        return done;
    }

    /** Hands one message to the hub (event loop); takes ownership of {@code m}. */
    private void publish(Connection c, MediaMessage m) {
        Publication p;
        synchronized (this) {
            p = publication;
            if (p == null && !stopped && !busy && c.generation == generation) {
                try {
                    p = registry.publish(key, SourceKind.PULL, "edge pull from " + c.origin);
                    publication = p;
                    published = true;
                } catch (StreamBusyException e) {
                    busy = true;
                    LOG.warn("{} someone else publishes the stream now, pull not needed", tag());
                    edge.run(() -> stop("the stream has another source"));
                }
            }
        }
        if (p == null) {
            m.release();
            return;
        }
        lastTimestamp = m.timestamp();
        if (m.type() == MediaType.VIDEO) {
            sawVideo = true;
        }
        p.publish(m);
    }

    private static String message(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof java.util.concurrent.CancellationException) {
            return "cancelled";
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }

    /** One attempt at one origin. */
    private final class Connection implements MediaListener {
        final int generation;
        final Origin origin;
        final int index;
        // Actor thread.
        CompletableFuture<RtmpClientSession> future;
        RtmpClientSession session;
        ScheduledFuture<?> timeout;
        ScheduledFuture<?> watchdog;
        boolean playing;
        // Written on the event loop, read by the watchdog.
        volatile long lastMediaNanos = System.nanoTime();
        volatile boolean unpublished;
        private boolean delivered;
        // Event loop only: the splice onto what the hub has already shown the readers.
        private boolean spliced;
        private int offset;
        private MediaMessage heldMetadata;
        private MediaMessage heldVideoHeader;
        private MediaMessage heldAudioHeader;

        Connection(int generation, Origin origin, int index) {
            this.generation = generation;
            this.origin = origin;
            this.index = index;
        }

        @Override
        public void onMedia(MediaMessage m) {
            if (stopped || generation != Pull.this.generation) {
                m.release();
                return;
            }
            lastMediaNanos = System.nanoTime();
            if (!spliced && !splice(m)) {
                return;
            }
            if (!delivered) {
                delivered = true;
                edge.run(() -> working(this));
            }
            publish(this, shifted(m));
        }

        /**
         * Before the first start point of this connection (after a failover or the origin's republish):
         * holds headers, drops what cannot be decoded, and decides the timestamp shift. Takes ownership of
         * {@code m} when it returns false.
         */
        private boolean splice(MediaMessage m) {
            if (!published) {
                spliced = true; // the first connection: the origin starts us at a keyframe itself
                return true;
            }
            if (m.isMetadata()) {
                heldMetadata = replace(heldMetadata, m);
                return false;
            }
            if (m.isSequenceHeader()) {
                if (m.type() == MediaType.VIDEO) {
                    heldVideoHeader = replace(heldVideoHeader, m);
                } else {
                    heldAudioHeader = replace(heldAudioHeader, m);
                }
                return false;
            }
            boolean video = sawVideo || heldVideoHeader != null;
            boolean start = video ? m.isVideoKeyframe() : m.type() == MediaType.AUDIO;
            if (!start) {
                m.release();
                return false;
            }
            spliced = true;
            long delta = (long) m.timestamp() - lastTimestamp;
            offset = Math.abs(delta) > EdgePuller.REBASE_MS ? lastTimestamp - m.timestamp() : 0;
            LOG.info("{} resuming from origin {} at a {}{}", tag(), origin, video ? "keyframe" : "audio frame",
                    offset != 0 ? ", timeline shifted by " + offset + " ms" : "");
            for (MediaMessage h : new MediaMessage[]{heldMetadata, heldVideoHeader, heldAudioHeader}) {
                if (h != null) {
                    publish(this, h.withTimestamp(m.timestamp() + offset));
                    h.release();
                }
            }
            heldMetadata = heldVideoHeader = heldAudioHeader = null;
            return true;
        }

        private MediaMessage shifted(MediaMessage m) {
            if (offset == 0) {
                return m;
            }
            MediaMessage s = m.withTimestamp(m.timestamp() + offset);
            m.release();
            return s;
        }

        private MediaMessage replace(MediaMessage old, MediaMessage m) {
            if (old != null) {
                old.release();
            }
            return m;
        }

        private void releaseHeld() {
            for (MediaMessage h : new MediaMessage[]{heldMetadata, heldVideoHeader, heldAudioHeader}) {
                if (h != null) {
                    h.release();
                }
            }
            heldMetadata = heldVideoHeader = heldAudioHeader = null;
        }

        @Override
        public void onStatus(String code, String description) {
            if ("NetStream.Play.UnpublishNotify".equals(code)) {
                // The origin lost its publisher: hold our readers for data_timeout (the watchdog) in case it
                // comes back, then fail over. Whatever comes next is spliced like a new origin.
                LOG.info("{} origin {} says the stream was unpublished", tag(), origin);
                unpublished = true;
                lastMediaNanos = System.nanoTime();
                spliced = false;
            } else if ("NetStream.Play.PublishNotify".equals(code)) {
                unpublished = false;
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            releaseHeld();
            edge.run(() -> failed(this, cause == null ? "the origin closed the connection" : message(cause)));
        }

        /** Closes this attempt, whatever stage it is in; completes when the connection is gone. */
        CompletableFuture<Void> shutdown() {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (session != null) {
                session.close();
                return session.closeFuture().handle((v, e) -> null);
            }
            if (future != null) {
                // Cancelling the client's future closes its channel, connected or not.
                future.cancel(false);
                return future.handle((s, e) -> {
                    if (s != null) {
                        s.close();
                    }
                    return null;
                });
            }
            return CompletableFuture.completedFuture(null);
        }
    }
}
