package org.fluvia.media.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One reader on a stream: a cursor into the stream's {@link MediaLog}, after the messages it started
 * with (metadata, sequence headers and the GOP cache, taken under the stream's lock at the same
 * point as the cursor, so the two meet exactly). Bounded by time: a reader more than
 * {@code queue_length} behind the newest message jumps to the newest keyframe (whole GOPs dropped,
 * sequence headers it would have missed given again) and counts what it skipped.
 *
 * <p>Who calls the reader: a reader on an event loop with a batching window is a member of a
 * {@link DrainBatch}, whose ticks follow the stream's video; any other reader is signalled by the
 * source's thread when a message comes while it waits.
 */
final class HubSubscription implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(HubSubscription.class);
    private static final VarHandle CURSOR;
    private static final VarHandle SIGNALLED;
    /** A run of more messages than this is a reader catching up, not a tick's few: it reads them one by one. */
    static final int MAX_RUN_MESSAGES = 64;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CURSOR = l.findVarHandle(HubSubscription.class, "cursor", long.class);
            SIGNALLED = l.findVarHandle(HubSubscription.class, "signalled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final HubStream stream;
    private final MediaLog log;
    final StreamReader reader;
    private final int queueLengthMs;

    /**
     * The next message of the log to read. Written by the reader's executor only (published with a
     * release store, read by the writer to know what every reader is past).
     */
    @SuppressWarnings("unused") // through CURSOR
    private volatile long cursor;
    /** Messages to give before the log: the caches at the start, sequence headers after a jump. Guarded by this. */
    private ArrayDeque<MediaMessage> first;
    private volatile boolean hasFirst;
    private volatile boolean closed;
    /** At the start and after a jump, video waits for a keyframe so the decoder never sees a broken GOP. Reader's executor. */
    private boolean awaitKeyframe = true;
    private volatile long dropped;

    /** The reader's executor, taken once: a reader keeps its executor for its whole life. */
    private final Executor executor;
    /**
     * The drain batch of the stream on the reader's event loop, or null when the reader runs elsewhere
     * or there is no window. Looked up once: the hub's map lookup, and an {@code instanceof} against an
     * interface (JDK 17 caches one secondary super per class, which threads checking different
     * interfaces of the event loop class keep overwriting), on every batch cost 5-10 % of the CPU.
     */
    private final DrainBatch batch;
    /** A batch member: the reader emptied its queue and waits for the next tick. Reader's executor. */
    private boolean waiting;
    /** Not a batch member: a drain is scheduled or running (cleared when the reader finds nothing). */
    @SuppressWarnings("unused") // through SIGNALLED
    private volatile boolean signalled;
    private final Runnable drain = this::drain;

    /** Called with the stream's lock held: starts at {@code start} (references the caller passes on), then at the log's head. */
    HubSubscription(HubStream stream, MediaLog log, StreamReader reader, int queueLengthMs, int mwLatencyMs,
                    List<MediaMessage> start) {
        this.stream = stream;
        this.log = log;
        this.reader = reader;
        this.queueLengthMs = queueLengthMs;
        this.cursor = log.head();
        if (!start.isEmpty()) {
            first = new ArrayDeque<>(start);
            hasFirst = true;
        }
        long batchNanos = TimeUnit.MILLISECONDS.toNanos(mwLatencyMs);
        this.executor = reader.executor();
        this.batch = batchNanos > 0 && executor instanceof ScheduledExecutorService loop
                ? stream.drainBatch(loop, batchNanos) : null;
    }

    @Override
    public Stream stream() {
        return stream;
    }

    long cursor() {
        return (long) CURSOR.getAcquire(this);
    }

    boolean isBatched() {
        return batch != null;
    }

    /**
     * Called with the stream's lock held, once the reader is one of the stream's: a batch member joins
     * its batch on the loop and reads what came so far at once (a new player's first frames go out
     * immediately), then waits for the ticks; any other reader is signalled if it has its start to read.
     */
    void start() {
        try {
            if (batch != null) {
                executor.execute(() -> {
                    batch.join(this);
                    waiting = true;
                    tick();
                });
            } else if (hasFirst) {
                signal();
            }
        } catch (RuntimeException e) { // the reader's event loop is shutting down
            LOG.debug("[{}] reader executor refused a drain: {}", stream.key(), e.toString());
        }
    }

    /** Not a batch member: a message came; the source's thread schedules a drain unless one is pending. */
    void signal() {
        if (!signalled && SIGNALLED.compareAndSet(this, false, true)) {
            try {
                executor.execute(drain);
            } catch (RuntimeException e) {
                LOG.debug("[{}] reader executor refused a drain: {}", stream.key(), e.toString());
            }
        }
    }

    /** A batch member, at a tick (on the loop): drains if it waits and there is something to read. */
    void tick() {
        if (waiting && !closed && (hasFirst || (long) CURSOR.getOpaque(this) < log.head())) {
            drain();
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void drain() {
        if (closed) {
            return;
        }
        waiting = false;
        try {
            reader.onMessages(this);
        } catch (RuntimeException e) {
            LOG.warn("[{}] reader {} failed while reading; closing it", stream.key(), reader, e);
            close();
        }
    }

    @Override
    public MediaMessage poll() {
        if (hasFirst) {
            MediaMessage m = pollFirst();
            if (m != null) {
                if (m.isVideoKeyframe()) {
                    awaitKeyframe = false; // the GOP cache starts with one
                }
                return m;
            }
        }
        long c = (long) CURSOR.getOpaque(this);
        for (;;) {
            if (closed) {
                return null;
            }
            if (c >= log.head()) {
                if (!nothingMore(c)) {
                    continue;
                }
                return null;
            }
            MediaMessage m = log.retainAt(c);
            if (m == null || isBehind(m) && log.lastKeySeq() != c) { // behind, unless at the newest keyframe
                if (m != null) {
                    m.release();
                }
                c = jump(c);
                if (hasFirst) {
                    MediaMessage h = pollFirst();
                    if (h != null) {
                        return h;
                    }
                }
                continue;
            }
            c++;
            CURSOR.setRelease(this, c);
            if (awaitKeyframe && m.type() == MediaType.VIDEO && !m.isKeyframe()) {
                dropped++;
                m.release();
                continue;
            }
            if (m.isVideoKeyframe()) {
                awaitKeyframe = false;
            }
            return m;
        }
    }

    /**
     * A batch member in a slice of a tick, at the point where the slice's run under {@code key} starts,
     * or at a point where it can start one: the run, its cursor past it. Null for anything {@link #poll}
     * must look at message by message: the messages it starts with, a wait for a keyframe, messages
     * gone from the log or too old.
     */
    @Override
    public ByteBuf pollRun(Object key, Function<MediaMessage, ByteBuf> encoding, ByteBufAllocator alloc) {
        if (batch == null || hasFirst || awaitKeyframe || closed) {
            return null;
        }
        long c = (long) CURSOR.getOpaque(this);
        DrainBatch.Run run = batch.run(key, c);
        if (run == null) {
            long h = log.head();
            if (h - c < 2 || h - c > MAX_RUN_MESSAGES || !batch.keepsRuns()) {
                return null;
            }
            ByteBuf made = encodeRun(c, h, encoding, alloc);
            if (made == null) {
                return null;
            }
            run = new DrainBatch.Run(key, c, h, made);
            batch.keep(run);
        }
        CURSOR.setRelease(this, run.to());
        return MediaMessage.sharedDuplicate(run.buf());
    }

    /** Messages {@code [from, to)} encoded into one buffer, or null if one is gone from the log or too old. */
    private ByteBuf encodeRun(long from, long to, Function<MediaMessage, ByteBuf> encoding, ByteBufAllocator alloc) {
        MediaMessage[] messages = new MediaMessage[(int) (to - from)];
        int n = 0;
        try {
            int size = 0;
            for (long seq = from; seq < to; seq++) {
                MediaMessage m = log.retainAt(seq);
                if (m == null) {
                    return null;
                }
                messages[n++] = m;
                if (isBehind(m)) {
                    return null;
                }
                size += encoding.apply(m).readableBytes();
            }
            ByteBuf run = alloc.directBuffer(size);
            for (int i = 0; i < n; i++) {
                ByteBuf e = encoding.apply(messages[i]);
                run.writeBytes(e, e.readerIndex(), e.readableBytes());
            }
            return run;
        } finally {
            for (int i = 0; i < n; i++) {
                messages[i].release();
            }
        }
    }

    private synchronized MediaMessage pollFirst() {
        MediaMessage m = first == null ? null : first.poll();
        if (m == null) {
            first = null;
            hasFirst = false;
        }
        return m;
    }

    /**
     * The reader found nothing at {@code c}: a batch member now waits for a tick; any other reader
     * clears its signal, unless a message came meanwhile (then it reads on: false).
     */
    private boolean nothingMore(long c) {
        if (batch != null) {
            waiting = true;
            return true;
        }
        signalled = false;
        // The source appends, then looks at the signal; we cleared the signal, then look at the log.
        return c >= log.head() || !SIGNALLED.compareAndSet(this, false, true);
    }

    /** More than the queue length behind the newest audio or video message. */
    private boolean isBehind(MediaMessage m) {
        return !m.isSequenceHeader() && !m.isMetadata() && log.newestTimestamp() - m.timestamp() > queueLengthMs;
    }

    /**
     * This reader fell behind (or the log let go of what it had not read): it resumes at the newest
     * keyframe, or waits for the next one, and is given the stream's sequence headers again if it
     * skipped one. Returns the new cursor.
     */
    private long jump(long c) {
        long key = log.lastKeySeq();
        long to;
        if (key > c && key >= log.tail()) {
            to = key;
        } else {
            to = log.head();
            awaitKeyframe = true;
        }
        long header = log.lastHeaderSeq();
        if (header >= c && header < to) {
            List<MediaMessage> headers = stream.headers();
            synchronized (this) {
                if (closed) {
                    headers.forEach(MediaMessage::release);
                } else {
                    if (first == null) {
                        first = new ArrayDeque<>();
                    }
                    first.addAll(headers);
                    hasFirst = !first.isEmpty();
                }
            }
        }
        dropped += to - c;
        CURSOR.setRelease(this, to);
        LOG.debug("[{}] reader {} fell behind by more than {} ms: skipped {} messages", stream.key(), reader,
                queueLengthMs, to - c);
        return to;
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
    public long droppedMessages() {
        // What the log let go of before this reader got to it counts too: a reader that stopped reading
        // drops without knowing yet.
        long c = cursor();
        long lapped = Math.max(0, log.tail() - c);
        return dropped + lapped;
    }

    @Override
    public void close() {
        if (releaseAll()) {
            stream.removeSubscription(this);
        }
    }

    /** Closes the subscription and releases what it holds; true the first time. */
    boolean releaseAll() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            if (first != null) {
                first.forEach(MediaMessage::release);
                first = null;
            }
            hasFirst = false;
            return true;
        }
    }

    @Override
    public String toString() {
        return "subscription[" + stream.key() + " " + reader + "]";
    }
}
