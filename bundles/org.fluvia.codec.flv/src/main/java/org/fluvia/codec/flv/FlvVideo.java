package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;

/** Reads the fields of an FLV video tag header (VIDEODATA) without consuming the body. */
public final class FlvVideo {
    /** CodecID of AVC (H.264). */
    public static final int CODEC_AVC = 7;
    /** CodecID that Chinese CDNs and SRS use for HEVC (H.265) in legacy FLV. */
    public static final int CODEC_HEVC = 12;
    /** FrameType of a keyframe. */
    public static final int FRAME_KEY = 1;
    /** AVCPacketType of a sequence header (decoder configuration record). */
    public static final int PACKET_SEQUENCE_HEADER = 0;
    /** AVCPacketType of NAL units. */
    public static final int PACKET_NALU = 1;

    private FlvVideo() {
    }

    /**
     * @param body video tag body; indices untouched, not released
     * @return the 4-bit CodecID
     * @throws FlvFormatException if the body is empty
     */
    public static int codecId(ByteBuf body) {
        return first(body) & 0x0F;
    }

    /**
     * @param body video tag body; indices untouched, not released
     * @return the 4-bit FrameType (1 keyframe, 2 inter frame, 5 video info/command ...)
     * @throws FlvFormatException if the body is empty
     */
    public static int frameType(ByteBuf body) {
        return first(body) >> 4;
    }

    /**
     * @param body video tag body; indices untouched, not released
     * @return whether FrameType says keyframe
     * @throws FlvFormatException if the body is empty
     */
    public static boolean isKeyframe(ByteBuf body) {
        return frameType(body) == FRAME_KEY;
    }

    /**
     * @param body video tag body; indices untouched, not released
     * @return whether this is an AVC/HEVC sequence header (packet type 0)
     */
    public static boolean isSequenceHeader(ByteBuf body) {
        if (body.readableBytes() < 2) {
            return false;
        }
        int codec = codecId(body);
        return (codec == CODEC_AVC || codec == CODEC_HEVC) && body.getByte(body.readerIndex() + 1) == PACKET_SEQUENCE_HEADER;
    }

    /**
     * @param body AVC/HEVC video tag body; indices untouched, not released
     * @return the signed 24-bit CompositionTime at offset 2, in milliseconds
     * @throws FlvFormatException if the body is shorter than 5 bytes
     */
    public static int compositionTime(ByteBuf body) {
        if (body.readableBytes() < 5) {
            throw new FlvFormatException("AVC video body of " + body.readableBytes() + " bytes has no composition time");
        }
        return body.getMedium(body.readerIndex() + 2);
    }

    /**
     * @param codecId an FLV video CodecID
     * @return a short name such as "H264", or "Unknown(n)"
     */
    public static String codecName(int codecId) {
        return switch (codecId) {
            case 1 -> "JPEG";
            case 2 -> "H263";
            case 3 -> "ScreenVideo";
            case 4 -> "VP6";
            case 5 -> "VP6A";
            case 6 -> "ScreenVideo2";
            case CODEC_AVC -> "H264";
            case CODEC_HEVC -> "HEVC";
            default -> "Unknown(" + codecId + ")";
        };
    }

    private static int first(ByteBuf body) {
        if (!body.isReadable()) {
            throw new FlvFormatException("empty video tag body");
        }
        return body.getUnsignedByte(body.readerIndex());
    }
}
