package org.fluvia.media.core.internal;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Some of the readers of one stream on one event loop that are written to together, in a tick: one
 * timer per batch instead of one per reader (a timer per reader was a third of the fan-out's CPU:
 * each one an insert into the loop's scheduled-task heap). A {@link DrainGroup} decides which of its
 * batches a video frame ticks; a tick drains the members that wait and have something to read.
 *
 * <p>Without video (or in a gap) a batch ticks on a timer, set when a message comes: a window after
 * the last tick for a stream without video, two video periods ({@link DrainGroup#videoPeriodNanos()})
 * after it while video comes.
 *
 * <p>A tick drains the members {@value #SLICE} at a time and lets the loop do its I/O between slices:
 * with a thousand players on a loop a tick takes 10-20 ms, and a publisher on the same loop must not
 * wait for all of it before its next frame is read (that wait was most of the latency tail at 2000
 * players).
 *
 * <p>A slice keeps the runs its members made ({@link HubSubscription#pollRun}): the members of a batch
 * are mostly at the same point of the log, and the first one's run of the messages since the last
 * tick, copied into one buffer, is every other one's too. A player then gets one buffer per tick, not
 * one per message: a third of the writes through the pipeline, the outbound buffer and the socket's
 * iovecs, for a copy of a few kilobytes per slice.
 */
final class DrainBatch {

    /** Readers per slice: about a millisecond of writes. */
    static final int SLICE = 64;
    /** Runs kept per slice: the point most members are at, and a few stragglers. */
    static final int MAX_RUNS = 4;

    /** Messages {@code [from, to)} of the log as encoded under {@code key}, one after the other; the batch owns {@code buf}. */
    record Run(Object key, long from, long to, ByteBuf buf) {
    }

    private final ScheduledExecutorService loop;
    private final long windowNanos;
    /** The group this batch takes turns in; it knows when the stream's video last came. */
    private final DrainGroup group;
    /** The members, in the order they joined. The loop's only. */
    private final ArrayList<HubSubscription> members = new ArrayList<>();
    /** Whether there are members, for the source's thread. */
    private volatile boolean hasMembers;
    /** Counts ticks, so the slices of a tick that a newer tick overtook stop. The loop's only. */
    private int tickCount;
    /** A tick started by a video frame is queued on the loop. */
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    /** The fallback timer is set. */
    private final AtomicBoolean timerSet = new AtomicBoolean();
    /** When the last tick was due: its video frame's arrival (source's thread) or the timer's run (loop). */
    private volatile long lastTickNanos;
    /** The runs made in the slice being drained, released at its end. The loop's only. */
    private final ArrayList<Run> runs = new ArrayList<>(MAX_RUNS);
    /** A slice is being drained. The loop's only. */
    private boolean ticking;
    private final Runnable tick = () -> tick(false);
    private final Runnable timer = this::onTimer;

    DrainBatch(ScheduledExecutorService loop, long windowNanos, DrainGroup group) {
        this.loop = loop;
        this.windowNanos = windowNanos;
        this.group = group;
        this.lastTickNanos = System.nanoTime() - 2 * windowNanos;
    }

    /** On the loop: {@code s} goes out at this batch's ticks from now on. */
    void join(HubSubscription s) {
        members.add(s);
        hasMembers = true;
    }

    /** The source's thread, for every message: makes sure a timer covers it if no video frame does. */
    void messageQueued() {
        // Read before the CAS: only the first message after a tick needs the cache line exclusively.
        if (hasMembers && !timerSet.get() && timerSet.compareAndSet(false, true)) {
            setTimer(System.nanoTime());
        }
    }

    /** Whether a video frame arriving now should tick: members and the last tick at least {@code age} old. */
    boolean dueForVideo(long now, long age) {
        return now - lastTickNanos >= age && hasMembers && !tickQueued.get();
    }

    long lastTickNanos() {
        return lastTickNanos;
    }

    /**
     * The source's thread: tick now, on the loop. A video tick counts from when its frame came, not from
     * when the loop gets to it, so a busy loop does not make the next frame look early. A tick for the
     * first frame after a gap does not count as this batch's turn ({@code inTurn} false): every batch
     * has one, and the turns start after it.
     */
    void tickForVideo(long now, boolean inTurn) {
        if (inTurn) {
            lastTickNanos = now;
        }
        if (tickQueued.compareAndSet(false, true)) {
            try {
                loop.execute(tick);
            } catch (RejectedExecutionException stopping) {
                tickQueued.set(false); // the loop is shutting down with its channels
            }
        }
    }

    /** Whether video came lately: then ticks follow it, and the timer only covers a gap. */
    private boolean videoComes(long now) {
        return now - group.lastVideoNanos() < 2 * group.videoPeriodNanos();
    }

    /**
     * The timer: while video comes, two video periods after the last frame (the next frame normally
     * ticks first), at least a window from now; a window after the last tick for a stream without video.
     */
    private void setTimer(long now) {
        long delay = videoComes(now) ? Math.max(group.lastVideoNanos() + 2 * group.videoPeriodNanos() - now, windowNanos)
                : Math.max(lastTickNanos + windowNanos - now, 0);
        try {
            loop.schedule(timer, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            timerSet.set(false);
        }
    }

    /** On the loop. Video may have come since the timer was set: then it waits again. */
    private void onTimer() {
        timerSet.set(false);
        long now = System.nanoTime();
        if (videoComes(now)) {
            if (timerSet.compareAndSet(false, true)) {
                setTimer(now);
            }
            return;
        }
        tick(true);
    }

    /** On the loop: the members that wait and have something go out; closed ones leave. */
    private void tick(boolean onTimer) {
        tickQueued.set(false);
        if (onTimer) {
            lastTickNanos = System.nanoTime();
        }
        members.removeIf(HubSubscription::isClosed);
        hasMembers = !members.isEmpty();
        drain(++tickCount, 0, members.size());
    }

    private void drain(int count, int from, int to) {
        int end = Math.min(to, from + SLICE);
        ticking = true;
        try {
            for (int i = from; i < end; i++) {
                members.get(i).tick();
            }
        } finally {
            endRuns();
        }
        if (end < to) {
            continueAfterIo(count, end, to);
        }
    }

    /** On the loop: the slice's run of {@code key} from {@code from}, or null. */
    Run run(Object key, long from) {
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            if (r.from() == from && r.key().equals(key)) {
                return r;
            }
        }
        return null;
    }

    /** On the loop: whether a new run would be kept, so is worth making: in a slice, and room for it. */
    boolean keepsRuns() {
        return ticking && runs.size() < MAX_RUNS;
    }

    /**
     * On the loop, after {@link #keepsRuns}: the batch owns the run's buffer until the slice ends. Not
     * across the loop's I/O between slices: a loop shutting down may never run the next slice.
     */
    void keep(Run run) {
        runs.add(run);
    }

    private void endRuns() {
        ticking = false;
        for (int i = 0; i < runs.size(); i++) {
            runs.get(i).buf().release();
        }
        runs.clear();
    }

    /** A task scheduled from the loop runs after its next I/O pass, unlike one it executes now. */
    private void continueAfterIo(int count, int from, int to) {
        try {
            loop.schedule(() -> {
                if (count == tickCount) { // a newer tick started over: it drains these members too
                    drain(count, from, to);
                }
            }, 0, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // the loop is shutting down with its channels
        }
    }
}
