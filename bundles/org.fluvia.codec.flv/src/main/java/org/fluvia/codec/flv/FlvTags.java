package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Writes the FLV file header and FLV tags. */
public final class FlvTags {
    /** Size of the 9-byte FLV header plus the 4-byte PreviousTagSize0 that follows it. */
    public static final int HEADER_SIZE = 13;
    /** Size of a tag header: type, DataSize, Timestamp, TimestampExtended, StreamID. */
    public static final int TAG_HEADER_SIZE = 11;
    /** Largest body a tag can carry: DataSize is 24 bits. */
    public static final int MAX_BODY_SIZE = 0xFFFFFF;
    /** Tag type of an audio tag. */
    public static final int AUDIO = 8;
    /** Tag type of a video tag. */
    public static final int VIDEO = 9;
    /** Tag type of a script data tag (onMetaData). */
    public static final int SCRIPT = 18;

    private static final int FLAG_AUDIO = 0x04;
    private static final int FLAG_VIDEO = 0x01;

    private FlvTags() {
    }

    /**
     * Builds the FLV file header followed by PreviousTagSize0.
     *
     * @param alloc allocator for the result
     * @param audio whether the file has audio tags
     * @param video whether the file has video tags
     * @return a new buffer of exactly {@link #HEADER_SIZE} bytes; the caller owns it
     */
    public static ByteBuf header(ByteBufAllocator alloc, boolean audio, boolean video) {
        ByteBuf out = alloc.buffer(HEADER_SIZE, HEADER_SIZE);
        out.writeByte('F').writeByte('L').writeByte('V').writeByte(1);
        out.writeByte((audio ? FLAG_AUDIO : 0) | (video ? FLAG_VIDEO : 0));
        out.writeInt(9);
        out.writeInt(0);
        return out;
    }

    /**
     * @param bodyLength the tag body length in bytes
     * @return the bytes one tag takes on the wire: 11-byte header, body, 4-byte PreviousTagSize
     */
    public static int tagSize(int bodyLength) {
        return TAG_HEADER_SIZE + bodyLength + 4;
    }

    /**
     * Writes one tag: header (with the timestamp's upper byte in TimestampExtended and StreamID 0), the
     * body, and PreviousTagSize.
     *
     * @param out destination, written at its writerIndex; not released
     * @param tagType {@link #AUDIO}, {@link #VIDEO} or {@link #SCRIPT}
     * @param timestamp milliseconds as an unsigned 32-bit value
     * @param body the body's readable bytes are copied; its indices are untouched and it is not released
     * @throws IllegalArgumentException if the tag type is not 0..31 or the body exceeds 0xFFFFFF bytes
     */
    public static void writeTag(ByteBuf out, int tagType, int timestamp, ByteBuf body) {
        if (tagType < 0 || tagType > 0x1F) {
            throw new IllegalArgumentException("FLV tag type must be 0..31, got " + tagType);
        }
        int length = body.readableBytes();
        if (length > MAX_BODY_SIZE) {
            throw new IllegalArgumentException("FLV tag body of " + length + " bytes exceeds " + MAX_BODY_SIZE);
        }
        out.ensureWritable(tagSize(length));
        out.writeByte(tagType);
        out.writeMedium(length);
        out.writeMedium(timestamp & 0xFFFFFF);
        out.writeByte(timestamp >>> 24);
        out.writeMedium(0);
        out.writeBytes(body, body.readerIndex(), length);
        out.writeInt(TAG_HEADER_SIZE + length);
    }

    /**
     * Builds one tag in an exactly sized buffer (see {@link #writeTag}).
     *
     * @param alloc allocator for the result
     * @param tagType {@link #AUDIO}, {@link #VIDEO} or {@link #SCRIPT}
     * @param timestamp milliseconds as an unsigned 32-bit value
     * @param body copied; its indices are untouched and it is not released
     * @return a new buffer of {@link #tagSize(int)} bytes; the caller owns it
     */
    public static ByteBuf tag(ByteBufAllocator alloc, int tagType, int timestamp, ByteBuf body) {
        int size = tagSize(body.readableBytes());
        ByteBuf out = alloc.buffer(size, size);
        try {
            writeTag(out, tagType, timestamp, body);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
