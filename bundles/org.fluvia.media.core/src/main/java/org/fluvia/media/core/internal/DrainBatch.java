package org.fluvia.media.core.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The readers of one event loop whose drain waits for the end of the batching window: one timer per
 * loop and window instead of one per reader (a timer per reader showed as a third of the fan-out's
 * CPU in the benchmark's profile: every one is an insert into the loop's scheduled-task heap).
 */
final class DrainBatch implements Runnable {

    private final ScheduledExecutorService loop;
    private final long windowNanos;
    private final Queue<HubSubscription> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    DrainBatch(ScheduledExecutorService loop, long windowNanos) {
        this.loop = loop;
        this.windowNanos = windowNanos;
    }

    /** Drains {@code s} at this loop's next tick, at most one window from now. Any thread. */
    void add(HubSubscription s) {
        pending.add(s);
        if (scheduled.compareAndSet(false, true)) {
            try {
                loop.schedule(this, windowNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                scheduled.set(false);
                pending.clear(); // the loop is shutting down with its channels
            }
        }
    }

    /** The tick, on the loop: everything that queued up since the last one goes out. */
    @Override
    public void run() {
        scheduled.set(false);
        HubSubscription s;
        while ((s = pending.poll()) != null) {
            s.runDrain();
        }
    }
}
