package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Reads a complete in-memory FLV byte sequence into tags, for tests and tools. */
public final class FlvReader {
    private FlvReader() {
    }

    /**
     * Reads every tag, after the FLV header when the input starts with one.
     *
     * @param in complete FLV data; its indices are untouched and it is not released
     * @return the tags in order, each body a retained slice of {@code in}; the caller releases every tag
     * @throws FlvFormatException if the data is malformed or ends inside a tag (no tag is leaked then)
     */
    public static List<FlvTag> readAll(ByteBuf in) {
        ByteBuf data = in.duplicate();
        List<FlvTag> tags = new ArrayList<>();
        try {
            if (FlvParsing.startsWithSignature(data) && !FlvParsing.readHeader(data)) {
                throw new FlvFormatException("FLV data ends inside the file header");
            }
            while (data.isReadable()) {
                FlvTag tag = FlvParsing.readTag(data, FlvTags.MAX_BODY_SIZE);
                if (tag == null) {
                    throw new FlvFormatException("FLV data ends inside the tag at offset " + data.readerIndex());
                }
                tags.add(tag);
            }
            return tags;
        } catch (RuntimeException e) {
            tags.forEach(FlvTag::release);
            throw e;
        }
    }
}
