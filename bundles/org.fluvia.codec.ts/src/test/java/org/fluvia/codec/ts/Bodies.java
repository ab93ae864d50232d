package org.fluvia.codec.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/** Test helper: small FLV tag bodies. */
final class Bodies {
    /** SPS of a 64x48 Constrained Baseline stream made by libx264. */
    static final String SPS = "6742c00ad9047b011000000300100000030320f1226480";
    static final String PPS = "68cb83cb20";
    /** Its AVC sequence header body: 5-byte FLV header, AVCDecoderConfigurationRecord with 4-byte NAL lengths. */
    static final String AVC_SEQUENCE_HEADER = "1700000000" + "0142c00affe10017" + SPS + "0100" + "05" + PPS;
    /** AAC LC, 44100 Hz (index 4), stereo. */
    static final String AAC_SEQUENCE_HEADER = "af001210";

    private Bodies() {
    }

    static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    /** @return a muxer with the test configurations set as asked */
    static TsMuxer muxer(boolean video, boolean audio) {
        TsMuxer muxer = new TsMuxer();
        if (video) {
            ByteBuf body = hex(AVC_SEQUENCE_HEADER);
            try {
                muxer.setVideoConfig(body);
            } finally {
                body.release();
            }
        }
        if (audio) {
            ByteBuf body = hex(AAC_SEQUENCE_HEADER);
            try {
                muxer.setAudioConfig(body);
            } finally {
                body.release();
            }
        }
        return muxer;
    }

    /** @return an FLV AVC NALU body: frame type 1 or 2, composition time, then each NAL unit with a 4-byte length */
    static String avcFrame(boolean keyframe, int compositionTime, String... nals) {
        StringBuilder sb = new StringBuilder(keyframe ? "17" : "27").append("01")
                .append(String.format("%06x", compositionTime & 0xFFFFFF));
        for (String nal : nals) {
            sb.append(String.format("%08x", nal.length() / 2)).append(nal);
        }
        return sb.toString();
    }

    /** @return an FLV AAC raw body carrying {@code size} bytes 00, 01, 02 ... */
    static String aacFrame(int size) {
        StringBuilder sb = new StringBuilder("af01");
        for (int i = 0; i < size; i++) {
            sb.append(String.format("%02x", i & 0xFF));
        }
        return sb.toString();
    }

    /** Runs the writes against a fresh pooled buffer and returns what they wrote; the buffer is released. */
    static byte[] mux(Consumer<ByteBuf> writes) {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            writes.accept(out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    static void video(TsMuxer muxer, ByteBuf out, int timestampMs, String bodyHex) {
        ByteBuf body = hex(bodyHex);
        try {
            muxer.writeVideo(out, timestampMs, body);
        } finally {
            body.release();
        }
    }

    static void audio(TsMuxer muxer, ByteBuf out, int timestampMs, String bodyHex) {
        ByteBuf body = hex(bodyHex);
        try {
            muxer.writeAudio(out, timestampMs, body);
        } finally {
            body.release();
        }
    }
}
