package org.fluvia.media.core.internal;

import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Some of the readers of one stream on one event loop whose next drain waits for the batching window
 * ({@code mw_latency}): they go out together in a tick, one timer per batch instead of one per reader
 * (a timer per reader was a third of the fan-out's CPU: each one an insert into the loop's
 * scheduled-task heap). A {@link DrainGroup} decides which of its batches a video frame ticks.
 *
 * <p>Without video (or in a gap) a batch ticks on a timer: a window after a reader starts waiting, or
 * two windows after the last tick while video comes.
 *
 * <p>A tick drains the readers that were waiting when it started, {@value #SLICE} at a time, and lets
 * the loop do its I/O between slices: with a thousand players on a loop a tick takes 10-20 ms, and a
 * publisher on the same loop must not wait for all of it before its next frame is read (that wait
 * was most of the latency tail at 2000 players).
 */
final class DrainBatch {

    /** Readers per slice: about a millisecond of writes. */
    static final int SLICE = 64;

    private final ScheduledExecutorService loop;
    private final long windowNanos;
    /** The group this batch takes turns in; it knows when the stream's video last came. */
    private final DrainGroup group;
    /**
     * The source's thread adds, the loop takes: a multi-producer single-consumer array queue, which
     * allocates no node per add and counts its size in O(1) (a linked queue's add showed as 4 % of the
     * CPU at 1000 players).
     */
    private final Queue<HubSubscription> pending = PlatformDependent.newMpscQueue();
    /** A tick started by a video frame is queued on the loop. */
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    /** The fallback timer is set. */
    private final AtomicBoolean timerSet = new AtomicBoolean();
    /** When the last tick started: written on the loop, read by the source's thread. */
    private volatile long lastTickNanos;
    private final Runnable tick = this::tick;
    private final Runnable timer = this::onTimer;

    DrainBatch(ScheduledExecutorService loop, long windowNanos, DrainGroup group) {
        this.loop = loop;
        this.windowNanos = windowNanos;
        this.group = group;
        this.lastTickNanos = System.nanoTime() - 2 * windowNanos;
    }

    /** {@code s} goes out at this batch's next tick. Any thread. */
    void add(HubSubscription s) {
        pending.add(s);
        // Read before the CAS: a thousand readers ask within the same microseconds, and only the first
        // needs the cache line exclusively.
        if (!timerSet.get() && timerSet.compareAndSet(false, true)) {
            setTimer(System.nanoTime());
        }
    }

    /** Whether a video frame arriving now should tick: readers wait and the last tick is a window old. */
    boolean dueForVideo(long now) {
        return now - lastTickNanos >= windowNanos && !pending.isEmpty() && !tickQueued.get();
    }

    long lastTickNanos() {
        return lastTickNanos;
    }

    /** The source's thread: tick now, on the loop. */
    void tickForVideo() {
        if (tickQueued.compareAndSet(false, true)) {
            try {
                loop.execute(tick);
            } catch (RejectedExecutionException stopping) {
                tickQueued.set(false);
                pending.clear(); // the loop is shutting down with its channels
            }
        }
    }

    /** Whether video came lately: then ticks follow it, and the timer only covers a gap. */
    private boolean videoComes(long now) {
        return now - group.lastVideoNanos() < 2 * windowNanos;
    }

    /**
     * The timer: a window from now for a stream without video (a message waits one window), two
     * windows after the last tick while video comes (the next frame normally ticks first).
     */
    private void setTimer(long now) {
        long delay = videoComes(now) ? Math.max(lastTickNanos + 2 * windowNanos - now, windowNanos) : windowNanos;
        try {
            loop.schedule(timer, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            timerSet.set(false);
            pending.clear();
        }
    }

    /** On the loop. A video frame may have ticked since the timer was set: then it waits again. */
    private void onTimer() {
        timerSet.set(false);
        if (pending.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (videoComes(now) && now - (lastTickNanos + 2 * windowNanos) < 0) {
            if (timerSet.compareAndSet(false, true)) {
                setTimer(now);
            }
            return;
        }
        tick();
    }

    /** On the loop: the readers waiting so far go out; those that ask from now on wait for the next tick. */
    private void tick() {
        tickQueued.set(false);
        lastTickNanos = System.nanoTime();
        drain(pending.size()); // FIFO, so the first n polled are exactly these
    }

    private void drain(int remaining) {
        HubSubscription s;
        int n = 0;
        while (remaining > 0 && (s = pending.poll()) != null) {
            s.runDrain();
            remaining--;
            if (++n == SLICE && remaining > 0) {
                continueAfterIo(remaining);
                return;
            }
        }
        if (!pending.isEmpty() && timerSet.compareAndSet(false, true)) {
            setTimer(System.nanoTime()); // readers that asked during the tick wait for the next one
        }
    }

    /** A task scheduled from the loop runs after its next I/O pass, unlike one it executes now. */
    private void continueAfterIo(int remaining) {
        try {
            loop.schedule(() -> drain(remaining), 0, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            pending.clear();
        }
    }
}
