package org.fluvia.bench;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A latency histogram (0..60 s in 0.1 ms buckets, one overflow bucket) that many event loops record
 * into. A tenth of a millisecond, because a target of 50 ms read off whole-millisecond buckets cannot
 * tell 50.0 from 50.9.
 */
public final class Histogram {

    static final int MAX_MS = 60_000;
    private static final int PER_MS = 10;
    private static final long BUCKET_NANOS = 1_000_000 / PER_MS;
    private static final int BUCKETS = MAX_MS * PER_MS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 2);

    /** Records one value; negative values count as 0, values above 60 s in the overflow bucket. */
    public void recordNanos(long nanos) {
        long b = nanos < 0 ? 0 : nanos / BUCKET_NANOS;
        counts.incrementAndGet(b > BUCKETS ? BUCKETS + 1 : (int) b);
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * The nearest-rank percentile in ms, as the lower bound of its 0.1 ms bucket (50.7 means 50.7 to
     * 50.8 ms), or -1 when nothing was recorded; the overflow bucket reads as 60000.1.
     *
     * @param p 0 < p <= 100
     */
    public double percentile(double p) {
        long n = count();
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i / (double) PER_MS;
            }
        }
        return (BUCKETS + 1) / (double) PER_MS;
    }

    /**
     * The share of the values in each 1 ms from 0 to {@code upToMs}, as " ms:percent" pairs
     * (e.g. " 0:3.1 1:2.7"), for reading a distribution's shape off a log line.
     */
    String shares(double upToMs) {
        long n = count();
        StringBuilder b = new StringBuilder();
        for (int ms = 0; ms <= Math.min((int) upToMs, MAX_MS - 1); ms++) {
            long inMs = 0;
            for (int i = ms * PER_MS; i < (ms + 1) * PER_MS; i++) {
                inMs += counts.get(i);
            }
            b.append(String.format(Locale.ROOT, " %d:%.1f", ms, n == 0 ? 0.0 : 100.0 * inMs / n));
        }
        return b.toString();
    }
}
