package org.fluvia.media.core.internal;

import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The readers of one event loop whose drain waits for the end of the batching window: one timer per
 * loop and window instead of one per reader (a timer per reader showed as a third of the fan-out's
 * CPU in the benchmark's profile: every one is an insert into the loop's scheduled-task heap).
 *
 * <p>A tick drains the readers that were waiting when it fired, {@value #SLICE} at a time, and lets
 * the loop do its I/O between slices: with a thousand players on a loop a tick takes 10-20 ms, and a
 * publisher on the same loop must not wait for all of it before its next frame is read (that wait
 * was most of the latency tail at 2000 players).
 */
final class DrainBatch implements Runnable {

    /** Readers per slice: about a millisecond of writes. */
    static final int SLICE = 64;

    private final ScheduledExecutorService loop;
    private final long windowNanos;
    /**
     * Publishers add, the loop takes: a multi-producer single-consumer array queue, which allocates no
     * node per add and counts its size in O(1) (a linked queue's add showed as 4 % of the CPU at 1000 players).
     */
    private final Queue<HubSubscription> pending = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    DrainBatch(ScheduledExecutorService loop, long windowNanos) {
        this.loop = loop;
        this.windowNanos = windowNanos;
    }

    /** Drains {@code s} at this loop's next tick, at most one window from now. Any thread. */
    void add(HubSubscription s) {
        pending.add(s);
        // Read before the CAS: a thousand readers ask within the same microseconds, and only the first
        // needs the cache line exclusively.
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            try {
                loop.schedule(this, windowNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                scheduled.set(false);
                pending.clear(); // the loop is shutting down with its channels
            }
        }
    }

    /**
     * The tick, on the loop: the readers queued so far go out; those that ask from now on wait for
     * the next tick, a window later.
     */
    @Override
    public void run() {
        scheduled.set(false);
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
