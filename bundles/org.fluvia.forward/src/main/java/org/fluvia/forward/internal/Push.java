package org.fluvia.forward.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;
import org.fluvia.rtmp.client.Backoff;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One stream pushed to one destination: connect, subscribe, send while the connection is writable;
 * on failure drop the subscription and try again with backoff. All state lives on one event loop,
 * which is also this reader's executor, so nothing here needs a lock.
 */
final class Push implements StreamReader {

    /** How the push paces itself. */
    record Settings(long connectTimeoutMs, long initialBackoffMs, long maxBackoffMs) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Push.class);
    /** How often a push that stopped on a full connection looks whether it drained. */
    private static final long WRITABLE_CHECK_MS = 10;
    /** Repeated identical failures are logged at INFO once per this many attempts (DEBUG otherwise). */
    private static final int LOG_EVERY = 10;

    private final StreamRegistry registry;
    private final RtmpClient client;
    private final EventLoop loop;
    private final StreamKey key;
    private final String destination;
    private final String url;
    private final long publishedSince;
    private final Settings settings;
    private final Backoff backoff;
    private final String tag;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    // Confined to loop.
    private boolean stopping;
    private CompletableFuture<RtmpClientSession> connecting;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> writableCheck;
    private RtmpClientSession session;
    /** Written on loop only; volatile for {@link #droppedMessages()}. */
    private volatile Subscription subscription;
    private long connectedAt;
    private String lastFailure;

    private volatile int attempts;
    private volatile int connections;
    private volatile boolean connected;

    Push(StreamRegistry registry, RtmpClient client, EventLoop loop, StreamKey key, String destination, String url,
         long publishedSince, Settings settings) {
        this.registry = registry;
        this.client = client;
        this.loop = loop;
        this.key = key;
        this.destination = destination;
        this.url = url;
        this.publishedSince = publishedSince;
        this.settings = settings;
        this.backoff = new Backoff(Duration.ofMillis(settings.initialBackoffMs()), Duration.ofMillis(settings.maxBackoffMs()));
        this.tag = "[" + key + " -> " + destination + "]";
    }

    void start() {
        run(this::connect);
    }

    /** Closes the connection and the subscription, cancels the timers; completes once the connection is closed. */
    CompletableFuture<Void> stop() {
        if (!run(this::doStop)) {
            stopped.complete(null); // the loop is gone, and everything that ran on it with it
        }
        return stopped;
    }

    private boolean run(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void connect() {
        timer = null;
        if (stopping) {
            return;
        }
        attempts++;
        CompletableFuture<RtmpClientSession> f;
        try {
            f = client.publish(url);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        connecting = f;
        // The client's own timeouts may be longer than ours; completing the future first makes it close the channel.
        timer = loop.schedule(() -> {
            f.completeExceptionally(new TimeoutException("not publishing within " + settings.connectTimeoutMs() + " ms"));
        }, settings.connectTimeoutMs(), TimeUnit.MILLISECONDS);
        f.whenComplete((s, e) -> {
            if (!run(() -> connected(f, s, e)) && s != null) {
                s.close();
            }
        });
    }

    private void connected(CompletableFuture<RtmpClientSession> f, RtmpClientSession s, Throwable e) {
        if (connecting != f || stopping) {
            if (s != null) {
                s.close();
            }
            return;
        }
        connecting = null;
        cancelTimer();
        if (e != null) {
            failed(e);
            return;
        }
        Stream stream = registry.stream(key);
        if (stream == null || !stream.isPublished() || stream.publishedSince() != publishedSince) {
            // The publication ended while we dialled: do not wait on the stream (that would ask for an
            // on-demand pull); the observer stops this push.
            s.close();
            return;
        }
        if (backoff.failures() > 0) {
            LOG.info("{} publishing again after {} failed attempts", tag, backoff.failures());
        } else {
            LOG.info("{} publishing to {}", tag, url);
        }
        session = s;
        connected = true;
        connections++;
        connectedAt = System.nanoTime();
        lastFailure = null;
        s.closeFuture().whenComplete((v, err) -> run(() -> dropped(s, err)));
        // A new subscription starts with metadata, sequence headers and the GOP from its keyframe: exactly
        // what the destination needs first, after every reconnect.
        subscription = registry.subscribe(key, this);
    }

    private void failed(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        long delay = backoff.nextDelayMillis();
        int n = backoff.failures();
        if (!reason.equals(lastFailure)) {
            LOG.warn("{} cannot publish to {}: {}; retrying in {} ms", tag, url, reason, delay);
        } else if (n % LOG_EVERY == 0) {
            LOG.info("{} still cannot publish ({} attempts): {}; retrying in {} ms", tag, n, reason, delay);
        } else {
            LOG.debug("{} attempt {} failed: {}; retrying in {} ms", tag, n, reason, delay);
        }
        lastFailure = reason;
        timer = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void dropped(RtmpClientSession s, Throwable err) {
        if (session != s) {
            return;
        }
        session = null;
        connected = false;
        closeSubscription();
        if (stopping) {
            return;
        }
        // Only a connection that lasted counts as a success: one that drops at once must not retry hot.
        if (System.nanoTime() - connectedAt >= TimeUnit.MILLISECONDS.toNanos(settings.maxBackoffMs())) {
            backoff.succeeded();
        }
        long delay = backoff.nextDelayMillis();
        LOG.warn("{} connection lost{}; reconnecting in {} ms", tag, err == null ? "" : ": " + err, delay);
        timer = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void closeSubscription() {
        if (writableCheck != null) {
            writableCheck.cancel(false);
            writableCheck = null;
        }
        if (subscription != null) {
            subscription.close(); // releases whatever it still queued: nothing grows while we are away
            subscription = null;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void doStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        cancelTimer();
        if (connecting != null) {
            connecting.cancel(false); // the client closes the half-open connection
            connecting = null;
        }
        closeSubscription();
        RtmpClientSession s = session;
        if (s == null) {
            stopped.complete(null);
            return;
        }
        s.close();
        s.closeFuture().whenComplete((v, e) -> stopped.complete(null));
    }

    @Override
    public Executor executor() {
        return loop;
    }

    @Override
    public void onMessages(Subscription sub) {
        if (sub == subscription) {
            drain();
        }
    }

    /** Sends while the connection takes more; a full connection leaves the rest to the hub's bounded queue. */
    private void drain() {
        RtmpClientSession s = session;
        Subscription sub = subscription;
        if (s == null || sub == null) {
            return;
        }
        while (s.isWritable()) {
            MediaMessage m = sub.poll();
            if (m == null) {
                return; // emptied: the hub signals the next message
            }
            s.send(m);
        }
        if (writableCheck == null) {
            writableCheck = loop.schedule(() -> {
                writableCheck = null;
                drain();
            }, WRITABLE_CHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onClose(Subscription sub) {
        if (sub == subscription) {
            subscription = null; // the hub is stopping: so is this push
            doStop();
        }
    }

    int attempts() {
        return attempts;
    }

    int connections() {
        return connections;
    }

    boolean isConnected() {
        return connected;
    }

    /** Messages the current subscription dropped because the destination fell behind. */
    long droppedMessages() {
        Subscription s = subscription;
        return s == null ? 0 : s.droppedMessages();
    }

    @Override
    public String toString() {
        return "forward" + tag;
    }
}
