package org.fluvia.media.core.internal;

import java.util.concurrent.ScheduledExecutorService;

/**
 * The drain batches of one stream on one event loop for one window. Ticks follow the video: a video
 * frame that arrives a window or more after a batch's last tick ticks that batch at once. Audio rides
 * with the next video frame.
 *
 * <p>The readers are dealt over {@value #BATCHES} batches and a frame ticks at most one of them (the
 * one waiting longest), so the batches take turns: each frame's tick writes to half the readers, and
 * the last reader of a tick waits half as long (at 2000 players the length of a tick was the latency
 * tail: a frame that waits one interval, plus the tick). So with a window of up to two frame intervals
 * (the default 50 ms at 24-30 fps) a player gets one write per two frames, 12.5 a second at 25 fps
 * instead of 25 (syscalls per player are the cost, DESIGN §3), and a frame waits 0 or one interval.
 */
final class DrainGroup {

    static final int BATCHES = 2;

    private final DrainBatch[] batches = new DrainBatch[BATCHES];
    private final long windowNanos;
    private int dealt;
    /** When a video frame last came for these readers: written by the source's thread, read by the batches' timers. */
    private volatile long lastVideoNanos;

    DrainGroup(ScheduledExecutorService loop, long windowNanos) {
        this.windowNanos = windowNanos;
        lastVideoNanos = System.nanoTime() - 4 * windowNanos; // none yet
        for (int i = 0; i < BATCHES; i++) {
            batches[i] = new DrainBatch(loop, windowNanos, this);
        }
    }

    long lastVideoNanos() {
        return lastVideoNanos;
    }

    /** The batch for a new reader: round-robin. */
    synchronized DrainBatch next() {
        return batches[dealt++ % BATCHES];
    }

    /** The source's thread, for every message appended to the stream's log. */
    void messageQueued() {
        for (DrainBatch b : batches) {
            b.messageQueued();
        }
    }

    /**
     * The source's thread, once a video frame is in the stream's log: ticks one due batch, or every
     * batch when the video had stopped for two windows (or this is its first frame): after a gap
     * the frame goes to every reader at once.
     */
    void videoQueued() {
        long now = System.nanoTime();
        boolean afterGap = now - lastVideoNanos >= 2 * windowNanos;
        lastVideoNanos = now;
        if (afterGap) {
            for (DrainBatch b : batches) {
                b.tickForVideo(false);
            }
            return;
        }
        DrainBatch pick = null;
        for (DrainBatch b : batches) {
            if (b.dueForVideo(now) && (pick == null || b.lastTickNanos() - pick.lastTickNanos() < 0)) {
                pick = b;
            }
        }
        if (pick != null) {
            pick.tickForVideo(true);
        }
    }
}
