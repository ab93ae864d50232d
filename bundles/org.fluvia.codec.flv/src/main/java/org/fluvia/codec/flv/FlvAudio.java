package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;

/** Reads the fields of an FLV audio tag header (AUDIODATA) without consuming the body. */
public final class FlvAudio {
    /** SoundFormat of MP3. */
    public static final int FORMAT_MP3 = 2;
    /** SoundFormat of AAC. */
    public static final int FORMAT_AAC = 10;
    /** AACPacketType of a sequence header (AudioSpecificConfig). */
    public static final int PACKET_SEQUENCE_HEADER = 0;

    private FlvAudio() {
    }

    /**
     * @param body audio tag body; indices untouched, not released
     * @return the 4-bit SoundFormat
     * @throws FlvFormatException if the body is empty
     */
    public static int soundFormat(ByteBuf body) {
        if (!body.isReadable()) {
            throw new FlvFormatException("empty audio tag body");
        }
        return body.getUnsignedByte(body.readerIndex()) >> 4;
    }

    /**
     * @param body audio tag body; indices untouched, not released
     * @return whether this is an AAC sequence header (AACPacketType 0)
     */
    public static boolean isSequenceHeader(ByteBuf body) {
        return body.readableBytes() >= 2 && soundFormat(body) == FORMAT_AAC
                && body.getByte(body.readerIndex() + 1) == PACKET_SEQUENCE_HEADER;
    }

    /**
     * @param soundFormat an FLV SoundFormat
     * @return a short name such as "AAC", or "Unknown(n)"
     */
    public static String codecName(int soundFormat) {
        return switch (soundFormat) {
            case 0 -> "PCM";
            case 1 -> "ADPCM";
            case FORMAT_MP3 -> "MP3";
            case 3 -> "PCM_LE";
            case 4 -> "Nellymoser16k";
            case 5 -> "Nellymoser8k";
            case 6 -> "Nellymoser";
            case 7 -> "G711A";
            case 8 -> "G711U";
            case FORMAT_AAC -> "AAC";
            case 11 -> "Speex";
            case 14 -> "MP3_8k";
            case 15 -> "DeviceSpecific";
            default -> "Unknown(" + soundFormat + ")";
        };
    }
}
