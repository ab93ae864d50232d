package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;

/** Incremental FLV header and tag parsing shared by {@link FlvDecoder} and {@link FlvReader}. */
final class FlvParsing {
    /** The spec fixes DataOffset at 9 for version 1; allow a little room for future header fields, no more. */
    static final int MAX_DATA_OFFSET = 1024;

    private FlvParsing() {
    }

    /** @return true if the input starts with the "FLV" signature (or a prefix of it, when short) */
    static boolean startsWithSignature(ByteBuf in) {
        int r = in.readerIndex();
        int n = Math.min(3, in.readableBytes());
        for (int i = 0; i < n; i++) {
            if (in.getByte(r + i) != "FLV".charAt(i)) {
                return false;
            }
        }
        return n > 0;
    }

    /**
     * Consumes the FLV header and PreviousTagSize0 when all of it is readable.
     *
     * @param in input; advanced past the header on success, untouched otherwise; not released
     * @return false if more bytes are needed
     * @throws FlvFormatException on a wrong signature, version or data offset
     */
    static boolean readHeader(ByteBuf in) {
        int r = in.readerIndex();
        if (in.readableBytes() >= 3 && !startsWithSignature(in)) {
            throw new FlvFormatException("not an FLV stream: signature is not \"FLV\" at offset " + r);
        }
        if (in.readableBytes() < 9) {
            return false;
        }
        int version = in.getUnsignedByte(r + 3);
        if (version != 1) {
            throw new FlvFormatException("unsupported FLV version " + version + " at offset " + (r + 3));
        }
        long dataOffset = in.getUnsignedInt(r + 5);
        if (dataOffset < 9 || dataOffset > MAX_DATA_OFFSET) {
            throw new FlvFormatException("FLV DataOffset " + dataOffset + " at offset " + (r + 5) + " is outside 9.."
                    + MAX_DATA_OFFSET);
        }
        if (in.readableBytes() < dataOffset + 4) {
            return false;
        }
        in.skipBytes((int) dataOffset + 4);
        return true;
    }

    /**
     * Consumes one tag and its PreviousTagSize when all of it is readable.
     *
     * @param in input; advanced past the tag on success, untouched otherwise; not released
     * @param maxBodySize largest DataSize accepted
     * @return the tag, whose body is a retained slice of {@code in} (the caller releases the tag), or null if
     *     more bytes are needed
     * @throws FlvFormatException on reserved bits, encrypted tags, unknown tag types or an oversized tag
     */
    static FlvTag readTag(ByteBuf in, int maxBodySize) {
        if (in.readableBytes() < FlvTags.TAG_HEADER_SIZE) {
            return null;
        }
        int r = in.readerIndex();
        int first = in.getUnsignedByte(r);
        if ((first & 0xC0) != 0) {
            throw new FlvFormatException("FLV tag at offset " + r + " has reserved bits set (0x"
                    + Integer.toHexString(first) + "): stream out of sync");
        }
        if ((first & 0x20) != 0) {
            throw new FlvFormatException("FLV tag at offset " + r + " is encrypted (filter bit set), which is not supported");
        }
        int type = first & 0x1F;
        if (type != FlvTags.AUDIO && type != FlvTags.VIDEO && type != FlvTags.SCRIPT) {
            throw new FlvFormatException("unknown FLV tag type " + type + " at offset " + r);
        }
        int dataSize = in.getUnsignedMedium(r + 1);
        if (dataSize > maxBodySize) {
            throw new FlvFormatException("FLV tag at offset " + r + " is " + FlvTags.tagSize(dataSize)
                    + " bytes, over the limit of " + FlvTags.tagSize(maxBodySize));
        }
        if (in.readableBytes() < FlvTags.tagSize(dataSize)) {
            return null;
        }
        int timestamp = in.getUnsignedMedium(r + 4) | in.getUnsignedByte(r + 7) << 24;
        // PreviousTagSize is not checked: real files get it wrong often, and the next tag's header checks
        // catch a real loss of sync.
        ByteBuf body = in.retainedSlice(r + FlvTags.TAG_HEADER_SIZE, dataSize);
        in.skipBytes(FlvTags.tagSize(dataSize));
        return new FlvTag(type, timestamp, body);
    }
}
