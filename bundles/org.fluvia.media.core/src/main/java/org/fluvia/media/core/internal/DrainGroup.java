package org.fluvia.media.core.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The drain batches of one stream on one event loop for one window. Ticks follow the video: a video
 * frame ticks the batches that last ticked a window or more ago, at once. Audio rides with the next
 * video frame.
 *
 * <p>When the video's frames come a window or more apart (the default 30 ms at up to 30 fps), every
 * frame ticks every batch: a player gets a write per frame and a frame does not wait. When they come
 * faster than the window, the readers, dealt over {@value #BATCHES} batches, take turns: a frame ticks
 * at most one batch (the one waiting longest), so a player gets a write per two frames or more and
 * each tick writes to half of them (a tick over all of a loop's players was the latency tail). The
 * frame interval is smoothed, so one frame that comes early does not switch between the two.
 */
final class DrainGroup {

    static final int BATCHES = 2;
    /** Frames further apart than this are a gap in the video, not its frame rate. */
    private static final long MAX_FRAME_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DrainBatch[] batches = new DrainBatch[BATCHES];
    private final long windowNanos;
    private int dealt;
    /** When a video frame last came for these readers: written by the source's thread, read by the batches' timers. */
    private volatile long lastVideoNanos;
    /** The time between video frames, smoothed: written by the source's thread, read by the batches' timers. */
    private volatile long frameIntervalNanos;

    DrainGroup(ScheduledExecutorService loop, long windowNanos) {
        this.windowNanos = windowNanos;
        frameIntervalNanos = windowNanos;
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
     * How long video normally takes to come again: the frame interval, at least a window and at most two.
     * Video that has not come for two of these has stopped (a gap); the timers cover what waits then.
     */
    long videoPeriodNanos() {
        return Math.max(windowNanos, Math.min(frameIntervalNanos, 2 * windowNanos));
    }

    /**
     * The source's thread, once a video frame is in the stream's log: ticks every due batch when frames
     * come a window or more apart, else the due batch waiting longest; every batch, out of turn, when
     * the video had stopped (or this is its first frame): after a gap the frame goes to every reader.
     */
    void videoQueued() {
        long now = System.nanoTime();
        long since = now - lastVideoNanos;
        boolean afterGap = since >= 2 * videoPeriodNanos();
        lastVideoNanos = now;
        if (since < MAX_FRAME_INTERVAL_NANOS) {
            frameIntervalNanos += (since - frameIntervalNanos) / 8;
        }
        if (afterGap) {
            for (DrainBatch b : batches) {
                b.tickForVideo(now, false);
            }
            return;
        }
        if (frameIntervalNanos >= windowNanos) {
            for (DrainBatch b : batches) {
                if (b.dueForVideo(now, windowNanos / 2)) { // half: a frame that comes a little early is not held
                    b.tickForVideo(now, true);
                }
            }
            return;
        }
        DrainBatch pick = null;
        for (DrainBatch b : batches) {
            if (b.dueForVideo(now, windowNanos) && (pick == null || b.lastTickNanos() - pick.lastTickNanos() < 0)) {
                pick = b;
            }
        }
        if (pick != null) {
            pick.tickForVideo(now, true);
        }
    }
}
