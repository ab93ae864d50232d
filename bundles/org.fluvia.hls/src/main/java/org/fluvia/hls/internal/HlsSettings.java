package org.fluvia.hls.internal;

import java.nio.file.Path;

/**
 * One vhost's HLS settings, validated, in milliseconds.
 *
 * @param fragmentMs the segment grid: segments are cut at the first keyframe at or after each multiple
 * @param windowMs the playlist keeps segments whose durations sum to at most this
 * @param disposeMs after an unpublish with no republish for this long the files are deleted; 0 = never
 */
record HlsSettings(String vhost, long fragmentMs, long windowMs, double tdRatio, boolean waitKeyframe, Path path,
                   String m3u8Template, String tsTemplate, boolean cleanup, long disposeMs) {

    HlsSettings {
        if (fragmentMs <= 0) {
            throw new IllegalArgumentException("hls_fragment must be a positive number of seconds, not " + fragmentMs / 1000.0);
        }
        if (windowMs < 0) {
            throw new IllegalArgumentException("hls_window must not be negative, not " + windowMs / 1000.0);
        }
        if (!(tdRatio >= 1)) {
            throw new IllegalArgumentException("hls_td_ratio must be at least 1, not " + tdRatio);
        }
        if (disposeMs < 0) {
            throw new IllegalArgumentException("hls_dispose must not be negative (0 = never), not " + disposeMs / 1000.0);
        }
        Template.validate("hls_m3u8_file", m3u8Template);
        Template.validate("hls_ts_file", tsTemplate);
        if (!tsTemplate.contains("[seq]") && !tsTemplate.contains("[timestamp]")) {
            throw new IllegalArgumentException("hls_ts_file must contain [seq] or [timestamp] so segments get distinct names: '"
                    + tsTemplate + "'");
        }
    }

    static HlsSettings of(HlsComponent.Config c) {
        return new HlsSettings(c.vhost(), seconds(c.hls__fragment()), seconds(c.hls__window()), c.hls__td__ratio(),
                c.hls__wait__keyframe(), Path.of(c.hls__path()), c.hls__m3u8__file(), c.hls__ts__file(), c.hls__cleanup(),
                seconds(c.hls__dispose()));
    }

    private static long seconds(double s) {
        return Math.round(s * 1000);
    }

    /** How long a playlist request for a stream not muxed yet waits for its first playlist. */
    long firstPlaylistWaitMs() {
        return Math.round(fragmentMs * tdRatio) + 5000;
    }

    /** An HLS-only on-demand stream is dropped when no playlist request came for this long. */
    long onDemandIdleMs() {
        return Math.max(3 * fragmentMs, 30_000);
    }
}
