package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;

/**
 * Turns FLV tag bodies into a segment's bytes (MPEG-TS in production). One per stream, used by one
 * thread. No method consumes or releases the bodies it is given.
 */
interface SegmentEncoder {

    /** An AVC/HEVC decoder configuration (an FLV video sequence header body). */
    void setVideoConfig(ByteBuf flvVideoSequenceHeaderBody);

    /** An AAC AudioSpecificConfig (an FLV audio sequence header body). */
    void setAudioConfig(ByteBuf flvAudioSequenceHeaderBody);

    /**
     * Starts a segment in {@code out}: everything a player needs before the first frame (for TS: the
     * continuity counters reset and PAT/PMT), identical for the same input on every node.
     */
    void beginSegment(ByteBuf out);

    void writeVideo(ByteBuf out, int timestampMs, ByteBuf flvVideoBody);

    void writeAudio(ByteBuf out, int timestampMs, ByteBuf flvAudioBody);
}
