package org.fluvia.hls.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream's live m3u8 window: the newest segments whose durations sum to at most hls_window (at
 * least one), and the segments that left it, kept one more segment's time for slow players before
 * they are deleted.
 */
final class Playlist {

    private long windowMs;
    private final ArrayDeque<Segment> window = new ArrayDeque<>();
    private List<Segment> leaving = new ArrayList<>();
    private long windowDurationMs;
    /** Never decreases over the playlist's life: RFC 8216 forbids changing EXT-X-TARGETDURATION. */
    private long targetDurationS;

    Playlist(long windowMs) {
        this.windowMs = windowMs;
    }

    /**
     * A changed hls_window: the window is recomputed when the next segment is added (segments that
     * then leave it are kept one more segment's time, as always).
     */
    void windowMs(long windowMs) {
        this.windowMs = windowMs;
    }

    /**
     * Adds a closed segment and slides the window.
     *
     * @return the segments that left the window one segment ago: now safe to delete
     */
    List<Segment> add(Segment s) {
        window.addLast(s);
        windowDurationMs += s.durationMs();
        targetDurationS = Math.max(targetDurationS, Math.max(1, (s.durationMs() + 999) / 1000));
        List<Segment> expired = leaving;
        leaving = new ArrayList<>();
        while (window.size() > 1 && windowDurationMs > windowMs) {
            Segment gone = window.removeFirst();
            windowDurationMs -= gone.durationMs();
            leaving.add(gone);
        }
        return expired;
    }

    boolean isEmpty() {
        return window.isEmpty();
    }

    List<Segment> segments() {
        return new ArrayList<>(window);
    }

    /** Every segment still on disk: the window and those waiting for deletion. */
    List<Segment> allFiles() {
        List<Segment> all = new ArrayList<>(leaving);
        all.addAll(window);
        return all;
    }

    long targetDurationSeconds() {
        return targetDurationS;
    }

    /** The playlist text (RFC 8216 version 3). */
    String render() {
        StringBuilder b = new StringBuilder(128 + window.size() * 64);
        b.append("#EXTM3U\n#EXT-X-VERSION:3\n");
        b.append("#EXT-X-TARGETDURATION:").append(targetDurationS).append('\n');
        b.append("#EXT-X-MEDIA-SEQUENCE:").append(window.isEmpty() ? 0 : window.peekFirst().seq()).append('\n');
        for (Segment s : window) {
            if (s.discontinuity()) {
                b.append("#EXT-X-DISCONTINUITY\n");
            }
            long d = s.durationMs();
            b.append("#EXTINF:").append(d / 1000).append('.');
            long ms = d % 1000;
            if (ms < 100) {
                b.append('0');
            }
            if (ms < 10) {
                b.append('0');
            }
            b.append(ms).append(",\n").append(s.uri()).append('\n');
        }
        return b.toString();
    }
}
