package org.fluvia.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/** A millisecond histogram (0..60 s, 1 ms buckets, one overflow bucket) that many event loops record into. */
public final class Histogram {

    static final int MAX_MS = 60_000;

    private final AtomicLongArray counts = new AtomicLongArray(MAX_MS + 2);

    /** Records one value; negative values count as 0, values above 60 s in the overflow bucket. */
    public void record(long millis) {
        int bucket = millis < 0 ? 0 : millis > MAX_MS ? MAX_MS + 1 : (int) millis;
        counts.incrementAndGet(bucket);
    }

    /**
     * The share of the values in each 1 ms bucket from 0 to {@code upToMs}, as " ms:percent" pairs
     * (e.g. " 0:3.1 1:2.7"), for reading a distribution's shape off a log line.
     */
    String shares(long upToMs) {
        long n = count();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i <= Math.min(upToMs, MAX_MS); i++) {
            b.append(String.format(java.util.Locale.ROOT, " %d:%.1f", i, n == 0 ? 0.0 : 100.0 * counts.get(i) / n));
        }
        return b.toString();
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * The nearest-rank percentile in ms, or -1 when nothing was recorded; the overflow bucket reads as
     * 60001.
     *
     * @param p 0 < p <= 100
     */
    public long percentile(double p) {
        long n = count();
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i;
            }
        }
        return MAX_MS + 1;
    }
}
