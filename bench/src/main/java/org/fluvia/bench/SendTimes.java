package org.fluvia.bench;

import java.util.concurrent.ConcurrentHashMap;

/**
 * When each published video frame left the publisher, keyed by (stream, timestamp): the tool publishes
 * and plays in one JVM, so publish-to-play latency is the receive time minus this send time, with no
 * marker in the media itself.
 */
public final class SendTimes {

    private final ConcurrentHashMap<Long, Long> sent = new ConcurrentHashMap<>();

    private static Long key(int stream, int timestamp) {
        return (long) stream << 32 | Integer.toUnsignedLong(timestamp);
    }

    /** @param nanos {@link System#nanoTime()} just before the frame was written */
    public void put(int stream, int timestamp, long nanos) {
        sent.put(key(stream, timestamp), nanos);
    }

    /** The send time in {@link System#nanoTime()} units, or -1 if this frame was not published by this JVM. */
    public long get(int stream, int timestamp) {
        Long t = sent.get(key(stream, timestamp));
        return t == null ? -1 : t;
    }
}
