package org.fluvia.edge.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An RTMP player (our client) that counts what it gets and remembers when the last keyframe came. */
final class Player implements MediaListener, AutoCloseable {

    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger keyframes = new AtomicInteger();
    final List<String> statuses = new CopyOnWriteArrayList<>();
    volatile long lastKeyframeNanos;
    volatile boolean closed;
    private RtmpClientSession session;

    static Player play(RtmpClient client, String url) throws Exception {
        Player p = new Player();
        p.session = client.play(url, p).get(10, TimeUnit.SECONDS);
        return p;
    }

    @Override
    public void onMedia(MediaMessage message) {
        try {
            messages.incrementAndGet();
            if (message.isVideoKeyframe() && !message.isSequenceHeader()) {
                keyframes.incrementAndGet();
                lastKeyframeNanos = System.nanoTime();
            }
        } finally {
            message.release();
        }
    }

    @Override
    public void onStatus(String code, String description) {
        statuses.add(code);
    }

    @Override
    public void onClosed(Throwable cause) {
        closed = true;
    }

    /** Waits until a keyframe arrives after {@code sinceNanos}; false after {@code timeoutMs}. */
    boolean awaitKeyframeAfter(long sinceNanos, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            if (keyframes.get() > 0 && lastKeyframeNanos - sinceNanos > 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session.closeFuture().handle((v, e) -> null).orTimeout(5, TimeUnit.SECONDS).join();
        }
    }
}
