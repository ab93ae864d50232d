package org.fluvia.media.core.internal;

import io.netty.util.IllegalReferenceCountException;
import org.fluvia.media.api.MediaMessage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A stream's recent messages, shared by all its readers, each reading with its own cursor (a
 * sequence number). The source's thread appends each message once, instead of queueing it into
 * every reader's queue: at 2000 players that fan-out (a lock, a queue and a signal per reader and
 * message, every one a cache line the reader's loop also writes) was the largest item of the
 * server's own code, and the readers' queues, old objects pointing at young messages, kept G1's
 * concurrent refinement busy (9 % of the CPU).
 *
 * <p>The log holds one reference to each message it holds. It lets go of a message once every
 * reader's cursor is past it, or when it is older than the queue length (a reader that far behind
 * jumps to the newest keyframe on its next read, see {@link HubSubscription}). Messages
 * {@code [tail, head)} are held; slot {@code seq & (length - 1)} holds message {@code seq}.
 *
 * <p>One writer (the stream's lock held), any number of readers without a lock: a reader takes its
 * own reference to a message and then checks that the tail has not passed it meanwhile (the writer
 * moves the tail before it releases a message or reuses its slot).
 */
final class MediaLog {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(MediaMessage[].class);
    /** At most this many messages whatever their timestamps say (a publisher whose clock stands still). */
    static final int MAX_MESSAGES = 1 << 15;
    private static final int FIRST_CAPACITY = 64;

    private volatile MediaMessage[] slots = new MediaMessage[FIRST_CAPACITY];
    /**
     * The writer's: the newest audio/video timestamp when each message came, which is its age. A
     * sequence header or metadata message may carry any timestamp (often 0, minutes into a stream)
     * and must not be let go of as old before the readers get to it.
     */
    private int[] stamps = new int[FIRST_CAPACITY];
    private volatile long head;
    private volatile long tail;
    /** The newest video keyframe's sequence number, or -1: where a reader that fell behind resumes. */
    private volatile long lastKeySeq = -1;
    /** The newest sequence header or metadata message's sequence number, or -1. */
    private volatile long lastHeaderSeq = -1;
    /** The newest audio or video message's timestamp: how far behind a reader is. */
    private volatile int newestTimestamp;
    /** The writer's: the head at the last look at the readers' cursors. */
    private long scannedAt;

    long head() {
        return head;
    }

    long tail() {
        return tail;
    }

    long lastKeySeq() {
        return lastKeySeq;
    }

    long lastHeaderSeq() {
        return lastHeaderSeq;
    }

    int newestTimestamp() {
        return newestTimestamp;
    }

    /**
     * Appends a message, taking ownership of it, and lets go of what no reader needs. The stream's lock
     * is held; {@code readers} are the stream's readers, {@code retainMs} its queue length.
     */
    void append(MediaMessage m, HubSubscription[] readers, int retainMs) {
        long h = head;
        if (h - tail == slots.length) {
            trim(readers, retainMs);
            if (h - tail == slots.length) {
                grow();
            }
        }
        MediaMessage[] a = slots;
        int i = (int) (h & (a.length - 1));
        if (m.isVideoKeyframe()) {
            lastKeySeq = h;
        }
        if (m.isSequenceHeader() || m.isMetadata()) {
            lastHeaderSeq = h;
        } else {
            newestTimestamp = m.timestamp();
        }
        stamps[i] = newestTimestamp;
        SLOT.setRelease(a, i, m);
        head = h + 1;
        // Look at the cursors once per readers/16 messages (at least 16): a look reads every reader's
        // cursor, so this bounds its cost per message, and what the log holds beyond the slowest
        // reader to about a second of media at 2000 readers.
        if (h + 1 - scannedAt >= Math.max(16, readers.length >> 4)) {
            trim(readers, retainMs);
        }
    }

    private void trim(HubSubscription[] readers, int retainMs) {
        long h = head;
        scannedAt = h;
        long min = h;
        for (HubSubscription r : readers) {
            min = Math.min(min, r.cursor());
        }
        long t = tail;
        int mask = slots.length - 1;
        int newest = newestTimestamp;
        long to = t;
        while (to < h) {
            boolean readByAll = to < min;
            boolean tooOld = Math.abs(newest - stamps[(int) (to & mask)]) > retainMs || h - to > MAX_MESSAGES;
            if (!readByAll && !tooOld) {
                break;
            }
            to++;
        }
        if (to == t) {
            return;
        }
        letGo(t, to);
    }

    /** Releases messages {@code [from, to)}, {@code from} being the tail. The stream's lock is held. */
    private void letGo(long from, long to) {
        tail = to; // before any release or reuse: a reader that took a message checks the tail after
        MediaMessage[] a = slots;
        for (long s = from; s < to; s++) {
            int i = (int) (s & (a.length - 1));
            MediaMessage m = (MediaMessage) SLOT.getAcquire(a, i);
            SLOT.setRelease(a, i, null);
            m.release();
        }
    }

    private void grow() {
        MediaMessage[] old = slots;
        MediaMessage[] grown = new MediaMessage[old.length * 2];
        int[] grownStamps = new int[grown.length];
        for (long s = tail; s < head; s++) {
            grown[(int) (s & (grown.length - 1))] = old[(int) (s & (old.length - 1))];
            grownStamps[(int) (s & (grown.length - 1))] = stamps[(int) (s & (old.length - 1))];
        }
        stamps = grownStamps;
        slots = grown; // the old array is never written again: a reader still on it finds the same messages
    }

    /**
     * Message {@code seq} with a reference for the caller, or null when the log let go of it (the
     * caller is behind the tail). Any thread; {@code seq} must be below {@link #head()}.
     */
    MediaMessage retainAt(long seq) {
        MediaMessage[] a = slots;
        MediaMessage m = (MediaMessage) SLOT.getAcquire(a, (int) (seq & (a.length - 1)));
        if (m == null) {
            return null;
        }
        try {
            m.retain();
        } catch (IllegalReferenceCountException released) {
            return null; // the writer released it after we read the slot: we are behind the tail
        }
        if (tail > seq) {
            m.release(); // the slot may hold a newer message already, or this one is no longer ours to read
            return null;
        }
        return m;
    }

    /** Lets go of everything (the stream is gone). The stream's lock is held. */
    void clear() {
        letGo(tail, head);
    }
}
