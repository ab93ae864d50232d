package org.fluvia.edge.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;

/**
 * Edge publish: a stream published to this edge, proxied to the current origin by reading it from the
 * hub like any player and sending it with an RTMP publish. The hub's bounded queue keeps a slow or
 * dead origin from slowing the publisher. Runs on the edge's actor thread (also as a reader).
 */
final class Push implements StreamReader {

    private static final Logger LOG = LoggerFactory.getLogger(Push.class);
    private static final long WRITABLE_POLL_MS = 20;

    final StreamKey key;
    private final EdgePuller edge;
    private final StreamRegistry registry;

    private Subscription subscription;
    private int originIndex;
    private int failures;
    private int generation;
    private Origin origin;
    private CompletableFuture<RtmpClientSession> future;
    private RtmpClientSession session;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> drainLater;
    private boolean needKeyframe;
    private boolean stopped;

    Push(EdgePuller edge, StreamKey key, StreamRegistry registry) {
        this.edge = edge;
        this.key = key;
        this.registry = registry;
    }

    private String tag() {
        return "[" + key + " edge publish]";
    }

    void start() {
        subscription = registry.subscribe(key, this);
        originIndex = edge.preferredOrigin();
        attempt();
    }

    private void attempt() {
        timer = null;
        if (stopped) {
            return;
        }
        List<Origin> origins = edge.settings().origins();
        int index = Math.floorMod(originIndex, origins.size());
        Origin o = origins.get(index);
        origin = o;
        int gen = ++generation;
        long timeout = edge.settings().connectTimeoutMs();
        timer = edge.schedule(() -> {
            if (gen == generation && session == null) {
                failed(gen, "no NetStream.Publish.Start within " + timeout + " ms");
            }
        }, timeout);
        edge.resolve(o.host()).whenComplete((address, e) -> edge.run(() -> {
            if (gen != generation || stopped) {
                return;
            }
            if (e != null) {
                failed(gen, String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e));
                return;
            }
            future = edge.client().publish(o.url(address, key));
            future.whenComplete((s, f) -> edge.run(() -> ready(gen, s, f), s));
        }));
    }

    private void ready(int gen, RtmpClientSession s, Throwable failure) {
        if (failure != null) {
            failed(gen, failure.getCause() != null ? failure.getCause().getMessage() : String.valueOf(failure.getMessage()));
            return;
        }
        if (gen != generation || stopped) {
            s.close();
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        session = s;
        failures = 0;
        LOG.info("{} pushing to origin {}", tag(), origin);
        s.closeFuture().whenComplete((v, e) -> edge.run(() -> failed(gen, e == null ? "the origin closed the connection" : String.valueOf(e.getMessage()))));
        // The origin needs the headers before any frame; what is queued may be mid-GOP.
        Stream stream = subscription.stream();
        for (MediaMessage h : new MediaMessage[]{stream.metadata(), stream.videoSequenceHeader(), stream.audioSequenceHeader()}) {
            if (h != null) {
                s.send(h);
            }
        }
        needKeyframe = true;
        drain();
    }

    private void failed(int gen, String why) {
        if (gen != generation || stopped) {
            return;
        }
        generation++;
        closeConnection();
        failures++;
        int n = edge.settings().origins().size();
        if (failures >= edge.settings().maxRetries() * n) {
            LOG.warn("{} origin {} failed: {}; giving up after {} attempts (the publisher keeps publishing here)", tag(), origin, why, failures);
            stop("no origin takes the stream");
            return;
        }
        originIndex++;
        long delay = edge.settings().retryPauseMs() * (failures >= n ? 2 : 1);
        LOG.warn("{} origin {} failed: {}; trying the next in {} ms", tag(), origin, why, delay);
        timer = edge.schedule(this::attempt, delay);
    }

    private CompletableFuture<Void> closeConnection() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (drainLater != null) {
            drainLater.cancel(false);
            drainLater = null;
        }
        RtmpClientSession s = session;
        session = null;
        if (s != null) {
            s.close();
            return s.closeFuture().handle((v, e) -> null);
        }
        if (future != null) {
            CompletableFuture<RtmpClientSession> f = future;
            future = null;
            f.cancel(false);
            return f.handle((x, e) -> {
                if (x != null) {
                    x.close();
                }
                return null;
            });
        }
        return CompletableFuture.completedFuture(null);
    }

    CompletableFuture<Void> stop(String why) {
        if (stopped) {
            return CompletableFuture.completedFuture(null);
        }
        stopped = true;
        LOG.info("{} stopped: {}", tag(), why);
        CompletableFuture<Void> closed = closeConnection();
        if (subscription != null) {
            subscription.close();
        }
        edge.removed(this);
        return closed;
    }

    @Override
    public Executor executor() {
        return edge.actorExecutor();
    }

    @Override
    public void onMessages(Subscription s) {
        drain();
    }

    /** Sends what is queued while the connection takes it; polls writability again when it stops. */
    private void drain() {
        RtmpClientSession s = session;
        if (s == null || stopped) {
            return;
        }
        while (s.isWritable()) {
            MediaMessage m = subscription.poll();
            if (m == null) {
                return;
            }
            if (needKeyframe && !m.isMetadata() && !m.isSequenceHeader()) {
                MediaMessage vsh = subscription.stream().videoSequenceHeader();
                boolean hasVideo = vsh != null;
                if (vsh != null) {
                    vsh.release();
                }
                if (hasVideo ? !m.isVideoKeyframe() : m.type() != MediaType.AUDIO) {
                    m.release();
                    continue;
                }
                needKeyframe = false;
            }
            s.send(m);
        }
        if (drainLater == null) {
            drainLater = edge.schedule(() -> {
                drainLater = null;
                drain();
            }, WRITABLE_POLL_MS);
        }
    }

    @Override
    public void onClose(Subscription s) {
        stop("the hub closed the stream");
    }
}
