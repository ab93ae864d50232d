package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;
import org.fluvia.codec.ts.TsMuxer;

/** Segments as MPEG-TS: each starts with reset continuity counters and PAT/PMT, so equal input gives equal bytes. */
final class TsSegmentEncoder implements SegmentEncoder {

    private final TsMuxer muxer = new TsMuxer();

    @Override
    public void setVideoConfig(ByteBuf body) {
        muxer.setVideoConfig(body);
    }

    @Override
    public void setAudioConfig(ByteBuf body) {
        muxer.setAudioConfig(body);
    }

    @Override
    public void beginSegment(ByteBuf out) {
        muxer.resetContinuityCounters();
        muxer.writeTables(out);
    }

    @Override
    public void writeVideo(ByteBuf out, int timestampMs, ByteBuf body) {
        muxer.writeVideo(out, timestampMs, body);
    }

    @Override
    public void writeAudio(ByteBuf out, int timestampMs, ByteBuf body) {
        muxer.writeAudio(out, timestampMs, body);
    }
}
