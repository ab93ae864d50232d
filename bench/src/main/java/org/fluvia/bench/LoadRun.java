package org.fluvia.bench;

/**
 * What every client of one run shares: the send-time table, the latency histograms (the whole run, and
 * the measured window alone), and whether the run is ending.
 */
final class LoadRun {

    private final SendTimes sendTimes;
    private final Histogram latency = new Histogram();
    private final Histogram windowLatency = new Histogram();
    /** The measured window in {@link System#nanoTime()}: frames received in it count in windowLatency too. */
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean ending;

    /** @param sendTimes null when the stream is published from outside (no latency then) */
    LoadRun(SendTimes sendTimes) {
        this.sendTimes = sendTimes;
    }

    SendTimes sendTimes() {
        return sendTimes;
    }

    /** Publish-to-play latency over the whole run: ramp and settle included. */
    Histogram latency() {
        return latency;
    }

    /** Publish-to-play latency of the frames received in the measured window, all players connected. */
    Histogram windowLatency() {
        return windowLatency;
    }

    /** A frame sent at {@code sentNanos} arrived at {@code receivedNanos}. */
    void recordLatency(long sentNanos, long receivedNanos) {
        long nanos = receivedNanos - sentNanos;
        latency.recordNanos(nanos);
        // Plain comparisons, not differences: the "not yet" sentinel (Long.MAX_VALUE) would overflow one.
        if (receivedNanos >= windowStart && receivedNanos < windowEnd) {
            windowLatency.recordNanos(nanos);
        }
    }

    void windowStarts(long nanos) {
        windowStart = nanos;
    }

    void windowEnds(long nanos) {
        windowEnd = nanos;
    }

    /** Once true, closes and unpublish notices are the tool's own doing, not failures. */
    boolean ending() {
        return ending;
    }

    void end() {
        ending = true;
    }
}
