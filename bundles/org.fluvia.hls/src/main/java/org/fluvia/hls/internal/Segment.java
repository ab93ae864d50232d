package org.fluvia.hls.internal;

/**
 * A closed segment as the playlist lists it.
 *
 * @param seq the sequence number: floor(start / hls_fragment) (plus an offset after a republish that
 *            restarted the timeline, so names never repeat)
 * @param startMs the first frame's timestamp on the stream's timeline
 * @param durationMs the next segment's start minus this one's (the last: its last frame's end)
 * @param discontinuity the first segment after a republish
 * @param uri the segment's path relative to the playlist
 * @param file the segment's path relative to hls_path
 */
record Segment(long seq, long startMs, long durationMs, boolean discontinuity, String uri, String file) {
}
