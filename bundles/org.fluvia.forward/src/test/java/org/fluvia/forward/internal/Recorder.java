package org.fluvia.forward.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A test reader on a hub: notes every message as it arrives (kind, payload checksum, arrival time)
 * and releases it. It reads on the publisher's own thread, so the time is when the hub got it.
 */
final class Recorder implements StreamReader, AutoCloseable {

    record Entry(MediaType type, int flags, int timestamp, long crc, long nanos, int firstByte) {
        boolean isMedia() {
            return (flags & (MediaMessage.SEQUENCE_HEADER | MediaMessage.METADATA)) == 0 && type != MediaType.DATA;
        }

        boolean isVideoKeyframe() {
            return type == MediaType.VIDEO && isMedia() && (flags & MediaMessage.KEYFRAME) != 0;
        }

        String kind() {
            if ((flags & MediaMessage.METADATA) != 0) {
                return "meta";
            }
            if ((flags & MediaMessage.SEQUENCE_HEADER) != 0) {
                return type == MediaType.VIDEO ? "vsh" : "ash";
            }
            return type == MediaType.VIDEO ? (isVideoKeyframe() ? "key" : "video") : type == MediaType.AUDIO ? "audio" : "data";
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    final AtomicInteger publishes = new AtomicInteger();
    final AtomicInteger unpublishes = new AtomicInteger();
    final Subscription subscription;

    Recorder(StreamRegistry registry, StreamKey key) {
        subscription = registry.subscribe(key, this);
    }

    @Override
    public Executor executor() {
        return Runnable::run;
    }

    @Override
    public void onMessages(Subscription s) {
        MediaMessage m;
        while ((m = s.poll()) != null) {
            try {
                long now = System.nanoTime();
                CRC32 crc = new CRC32();
                crc.update(m.payload().nioBuffer());
                int first = m.payload().isReadable() ? m.payload().getUnsignedByte(m.payload().readerIndex()) : -1;
                synchronized (entries) {
                    entries.add(new Entry(m.type(), m.flags(), m.timestamp(), crc.getValue(), now, first));
                }
            } finally {
                m.release();
            }
        }
    }

    @Override
    public void onPublish(Subscription s) {
        publishes.incrementAndGet();
    }

    @Override
    public void onUnpublish(Subscription s) {
        unpublishes.incrementAndGet();
    }

    List<Entry> entries() {
        synchronized (entries) {
            return new ArrayList<>(entries);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
