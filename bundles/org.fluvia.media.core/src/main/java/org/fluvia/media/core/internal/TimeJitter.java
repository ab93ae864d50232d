package org.fluvia.media.core.internal;

import java.util.Locale;

/**
 * SRS's {@code time_jitter} modes, applied once at ingest so every reader (and every node pulling
 * the stream) sees the same timeline.
 */
enum TimeJitter {
    /** Make the timeline monotonic from zero: a jump of more than 250 ms becomes a 10 ms step. */
    FULL,
    /** Start the timeline at zero, keep the publisher's deltas. */
    ZERO,
    /** Keep the publisher's timestamps. */
    OFF;

    static TimeJitter parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("time_jitter must be full, zero or off, not '" + value + "'");
        }
    }

    /** A per-publication corrector, stateful, used by one thread at a time. */
    Corrector newCorrector() {
        return new Corrector(this);
    }

    static final class Corrector {
        private static final int MAX_JITTER_MS = 250;
        private static final int DEFAULT_FRAME_MS = 10;

        private final TimeJitter mode;
        private boolean started;
        private int first;
        private int lastInput;
        private long lastOutput;

        Corrector(TimeJitter mode) {
            this.mode = mode;
        }

        int correct(int timestamp) {
            switch (mode) {
                case OFF:
                    return timestamp;
                case ZERO:
                    if (!started) {
                        started = true;
                        first = timestamp;
                    }
                    return timestamp - first;
                default:
                    int delta = started ? timestamp - lastInput : timestamp;
                    if (!started) {
                        started = true;
                        // The first message starts the timeline at 0 (SRS starts at 0 too).
                        delta = 0;
                    } else if (delta < -MAX_JITTER_MS || delta > MAX_JITTER_MS) {
                        delta = DEFAULT_FRAME_MS;
                    }
                    lastInput = timestamp;
                    lastOutput = Math.max(0, lastOutput + delta);
                    return (int) lastOutput;
            }
        }
    }
}
