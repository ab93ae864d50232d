package org.fluvia.rtmp.client;

import java.time.Duration;

/**
 * The retry pacing shared by everything that dials out (forward pushes, edge pulls): the delay
 * doubles from {@code initial} up to {@code max} after each failure and starts over after a
 * success, so a dead peer costs one attempt per {@code max}, never a retry storm. Not thread-safe:
 * keep one per connection loop, used on one thread.
 */
public final class Backoff {

    private final long initialMs;
    private final long maxMs;
    private long nextMs;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        this.nextMs = initialMs;
    }

    /** The delay before the next attempt after a failure; each call doubles the following one. */
    public long nextDelayMillis() {
        long d = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        failures++;
        return d;
    }

    /** Consecutive failures since the last success. */
    public int failures() {
        return failures;
    }

    /** A connection worked: the next failure waits {@code initial} again. */
    public void succeeded() {
        nextMs = initialMs;
        failures = 0;
    }
}
