package org.fluvia.bench;

import io.netty.buffer.ByteBuf;

/**
 * What one client saw. Written by the client's event loop only; read by the main thread for the
 * window's byte count (volatile) and, for everything else, after the client's channel closed.
 */
public final class ClientStats {

    /** No media for longer than this counts one stall. */
    public static final long STALL_NANOS = 2_000_000_000L;

    public enum Kind { RTMP, FLV, HLS, PUBLISH }

    final Kind kind;
    final int id;
    final int stream;
    final long startNanos;
    long connectedNanos = -1;
    /** RTMP stages between connect and play start: handshake done, connect answered, stream created. */
    long handshakeNanos = -1;
    long connectAnsweredNanos = -1;
    long streamCreatedNanos = -1;
    volatile long playingNanos = -1;
    long firstFrameNanos = -1;
    long firstKeyNanos = -1;
    long lastMediaNanos = -1;
    volatile long bytes;
    long messages;
    long videoFrames;
    long stalls;
    long regressions;
    /** Video timestamps that jump forward by more than 1 s: the server dropped media for this client. */
    long jumps;
    long latencySamples;
    long unmatched;
    private int lastVideoTs;
    private boolean anyVideo;
    long stallNanos = STALL_NANOS;
    boolean closedEarly;
    String error;

    ClientStats(Kind kind, int id, int stream, long startNanos) {
        this.kind = kind;
        this.id = id;
        this.stream = stream;
        this.startNanos = startNanos;
    }

    void addBytes(long n) {
        bytes += n;
    }

    /** Any audio, video or data message arrived at {@code now}. */
    void onMedia(long now) {
        messages++;
        if (lastMediaNanos >= 0 && now - lastMediaNanos > stallNanos) {
            stalls++;
        }
        lastMediaNanos = now;
    }

    /**
     * A video message: counts frames, keyframes and timestamp regressions, and samples latency for frames
     * published after this client's first frame arrived (so the GOP-cache burst is not sampled).
     *
     * @param body an FLV video tag body (the RTMP video payload); read, not consumed, not released
     */
    void onVideo(int timestamp, ByteBuf body, long now, LoadRun run) {
        onMedia(now);
        if (body.readableBytes() < 2) {
            return;
        }
        int first = body.getUnsignedByte(body.readerIndex());
        int codec = first & 0x0F;
        boolean keyframe = (first >> 4 & 0x07) == 1;
        if (codec == 7 && body.getByte(body.readerIndex() + 1) != 1) {
            return; // AVC sequence header or end of sequence: not a frame
        }
        videoFrames++;
        if (anyVideo && Integer.compareUnsigned(timestamp, lastVideoTs) < 0) {
            regressions++;
        } else if (anyVideo && Integer.toUnsignedLong(timestamp) - Integer.toUnsignedLong(lastVideoTs) > 1000) {
            jumps++;
        }
        anyVideo = true;
        lastVideoTs = timestamp;
        if (firstFrameNanos < 0) {
            firstFrameNanos = now;
        } else if (run.sendTimes() != null) {
            long sent = run.sendTimes().get(stream, timestamp);
            if (sent < 0) {
                unmatched++;
            } else if (sent > firstFrameNanos) {
                run.recordLatency(sent, now);
                latencySamples++;
            }
        }
        if (keyframe && firstKeyNanos < 0) {
            firstKeyNanos = now;
        }
    }

    void fail(String reason) {
        if (error == null) {
            error = reason;
        }
    }

    /** Checks for a stall still going on at {@code now} (the end of the run). */
    void finish(long now) {
        if (lastMediaNanos >= 0 && now - lastMediaNanos > stallNanos) {
            stalls++;
        }
    }

    /** Why this client failed, or null if it passed. */
    String failure() {
        if (error != null) {
            return error;
        }
        if (closedEarly) {
            return "disconnected early";
        }
        if (kind != Kind.PUBLISH && firstKeyNanos < 0) {
            return "no keyframe";
        }
        if (stalls > 0) {
            return "stalled";
        }
        return null;
    }

    static double millis(long from, long to) {
        return from < 0 || to < 0 ? -1 : (to - from) / 1e6;
    }
}
