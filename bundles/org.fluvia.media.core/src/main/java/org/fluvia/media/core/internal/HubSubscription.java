package org.fluvia.media.core.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One reader's queue on a stream, bounded by time: when the queued media spans more than
 * {@code queue_length}, whole GOPs are dropped (sequence headers and metadata are kept) and the
 * reader resumes at the next keyframe.
 */
final class HubSubscription implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(HubSubscription.class);

    private final HubStream stream;
    final StreamReader reader;
    private final int queueLengthMs;
    private final long batchNanos;
    /** When the reader last drained (on its executor); a new batch is not started sooner than batchNanos after. */
    private volatile long lastDrainNanos;

    /** Guarded by this. Each queued message holds its own reference. */
    private final ArrayDeque<MediaMessage> queue = new ArrayDeque<>();
    private boolean signalled;
    private boolean closed;
    /** At the start and after a drop, video waits for a keyframe so the decoder never sees a broken GOP. */
    private boolean awaitKeyframe = true;
    private long dropped;

    private final Runnable drain = this::drain;
    /** The reader's executor, taken once: a reader keeps its executor for its whole life. */
    private final Executor executor;
    /**
     * The drain batch of the stream on the reader's event loop, or null when the reader runs elsewhere or there is
     * no window. Looked up once: the hub's map lookup, and an {@code instanceof} against an interface
     * (JDK 17 caches one secondary super per class, which threads checking different interfaces of
     * the event loop class keep overwriting), on every batch cost 5-10 % of the fan-out's CPU.
     */
    private final DrainBatch batch;

    HubSubscription(HubStream stream, StreamReader reader, int queueLengthMs, int mwLatencyMs) {
        this.stream = stream;
        this.reader = reader;
        this.queueLengthMs = queueLengthMs;
        this.batchNanos = TimeUnit.MILLISECONDS.toNanos(mwLatencyMs);
        this.lastDrainNanos = System.nanoTime() - batchNanos;
        this.executor = reader.executor();
        this.batch = batchNanos > 0 && executor instanceof ScheduledExecutorService loop
                ? stream.drainBatch(loop, batchNanos) : null;
    }

    @Override
    public Stream stream() {
        return stream;
    }

    /** Queues a message; takes ownership of {@code message}. Called with the stream's lock held. */
    void offer(MediaMessage message) {
        boolean signal;
        synchronized (this) {
            if (closed) {
                message.release();
                return;
            }
            if (awaitKeyframe && message.type() == MediaType.VIDEO && !message.isKeyframe()) {
                dropped++;
                message.release();
                return;
            }
            if (message.isVideoKeyframe()) {
                awaitKeyframe = false;
            }
            queue.add(message);
            if (queue.size() > 1 && spanMs() > queueLengthMs) {
                shrink();
            }
            signal = !signalled;
            signalled = true;
        }
        if (signal) {
            schedule();
        }
    }

    /**
     * Runs a drain on the reader's executor: at once when the last one is older than the batching
     * window (so a new player's first frames go out immediately), otherwise at the next tick of the
     * stream's readers on the same event loop, which follows the video (see {@link DrainBatch}), so a
     * player gets one write per window instead of one per message (DESIGN §3: syscalls per player are
     * the cost to watch).
     */
    private void schedule() {
        try {
            if (batch != null && System.nanoTime() - lastDrainNanos < batchNanos) {
                batch.add(this);
                return;
            }
            executor.execute(drain);
        } catch (RuntimeException e) { // the reader's event loop is shutting down
            LOG.debug("[{}] reader executor refused a drain: {}", stream.key(), e.toString());
        }
    }

    /** Called by a {@link DrainBatch} tick, on the reader's executor. */
    void runDrain() {
        drain();
    }

    private void drain() {
        lastDrainNanos = System.nanoTime();
        try {
            reader.onMessages(this);
        } catch (RuntimeException e) {
            LOG.warn("[{}] reader {} failed while reading; closing it", stream.key(), reader, e);
            close();
        }
    }

    /**
     * How much droppable media the queue holds: from its oldest audio/video message to its newest.
     * Sequence headers and metadata are left out: they keep their old timestamps (a late joiner's
     * queue starts with headers stamped 0 before a GOP stamped minutes later) and are never dropped,
     * so counting them would make every offer shrink a queue that is not behind at all.
     */
    private int spanMs() {
        for (MediaMessage m : queue) {
            if (!m.isSequenceHeader() && !m.isMetadata()) {
                return queue.peekLast().timestamp() - m.timestamp();
            }
        }
        return 0;
    }

    /**
     * Drops everything before the newest video keyframe, or all media when there is none, keeping
     * sequence headers and metadata. One pass that rebuilds the queue: removing from the middle of
     * an ArrayDeque one by one is quadratic, and a slow reader's queue holds seconds of media.
     */
    private void shrink() {
        MediaMessage lastKey = null;
        for (Iterator<MediaMessage> it = queue.descendingIterator(); it.hasNext(); ) {
            MediaMessage m = it.next();
            if (m.isVideoKeyframe()) {
                lastKey = m;
                break;
            }
        }
        int before = queue.size();
        ArrayDeque<MediaMessage> kept = new ArrayDeque<>(Math.max(16, before / 2));
        boolean reached = false;
        for (MediaMessage m : queue) {
            if (m == lastKey) {
                reached = true;
            }
            if (reached || m.isSequenceHeader() || m.isMetadata()) {
                kept.add(m);
            } else {
                m.release();
                dropped++;
            }
        }
        queue.clear();
        queue.addAll(kept);
        if (lastKey == null) {
            awaitKeyframe = true;
        }
        LOG.debug("[{}] reader {} fell behind by more than {} ms: dropped {} messages", stream.key(), reader,
                queueLengthMs, before - queue.size());
    }

    @Override
    public MediaMessage poll() {
        synchronized (this) {
            MediaMessage m = queue.poll();
            if (m == null) {
                signalled = false;
            }
            return m;
        }
    }

    synchronized int queued() {
        return queue.size();
    }

    @Override
    public synchronized long droppedMessages() {
        return dropped;
    }

    /** Runs a notification on the reader's executor, after anything already scheduled there. */
    void notifyReader(java.util.function.Consumer<HubSubscription> call) {
        try {
            executor.execute(() -> {
                try {
                    call.accept(this);
                } catch (RuntimeException e) {
                    LOG.warn("[{}] reader {} failed on a notification", stream.key(), reader, e);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("[{}] reader executor refused a notification: {}", stream.key(), e.toString());
        }
    }

    @Override
    public void close() {
        if (releaseAll()) {
            stream.removeSubscription(this);
        }
    }

    /** Closes the queue and releases what it holds; true the first time. */
    boolean releaseAll() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            MediaMessage m;
            while ((m = queue.poll()) != null) {
                m.release();
            }
            return true;
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "subscription[" + stream.key() + " " + reader + "]";
    }
}
