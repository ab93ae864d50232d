package org.fluvia.http.api.internal;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SRS's {@code kbps.recv_30s}/{@code send_30s} without a timer: each API request samples the byte
 * counters it reports, and a rate is the difference to the oldest sample of the last 30 seconds
 * (to the counters' start when there is none yet, so the first answer is the average so far).
 */
final class Rates {

    static final long WINDOW_MS = 30_000;
    /** Samples closer than this are not kept: a burst of requests must not grow the history. */
    static final long SAMPLE_SPACING_MS = 1_000;
    static final int MAX_SAMPLES = 64;

    /** One counter pair's history; oldest first. */
    private static final class Window {
        private final ArrayDeque<long[]> samples = new ArrayDeque<>(4); // {time ms, in, out}

        Window(long startMs) {
            samples.add(new long[]{startMs, 0, 0});
        }

        synchronized long[] kbps(long now, long in, long out) {
            // Keep exactly one sample at least WINDOW_MS old as the base: drop those before it.
            while (samples.size() >= 2 && now - secondTime() >= WINDOW_MS) {
                samples.removeFirst();
            }
            long[] base = samples.peekFirst();
            long dt = now - base[0];
            long[] rates = {rate(in - base[1], dt), rate(out - base[2], dt)};
            if (now - samples.peekLast()[0] >= SAMPLE_SPACING_MS) {
                if (samples.size() >= MAX_SAMPLES) {
                    samples.removeFirst();
                }
                samples.addLast(new long[]{now, in, out});
            }
            return rates;
        }

        private long secondTime() {
            var it = samples.iterator();
            it.next();
            return it.next()[0];
        }

        /** Bytes over milliseconds as kilobits per second; 0 when the counter went back (a client left). */
        private static long rate(long bytes, long ms) {
            return ms <= 0 || bytes <= 0 ? 0 : bytes * 8 / ms;
        }
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param key     what is measured, e.g. {@code client:12}
     * @param startMs when the counters started at 0 (epoch ms)
     * @return {recv kbps, send kbps} over the last 30 seconds
     */
    long[] kbps(String key, long startMs, long now, long bytesIn, long bytesOut) {
        return windows.computeIfAbsent(key, k -> new Window(startMs)).kbps(now, bytesIn, bytesOut);
    }

    /** Forgets every key not in {@code live}. */
    void retain(Set<String> live) {
        windows.keySet().retainAll(live);
    }

    int size() {
        return windows.size();
    }
}
