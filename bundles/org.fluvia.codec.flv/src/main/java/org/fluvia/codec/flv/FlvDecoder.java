package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** Decodes an FLV byte stream (header, then tags) into {@link FlvTag}s whose bodies are retained slices. */
public class FlvDecoder extends ByteToMessageDecoder {
    /** Default limit on a whole tag: far above any sane video frame, far below memory trouble. */
    public static final int DEFAULT_MAX_TAG_SIZE = 16 * 1024 * 1024;
    /** Largest limit that means anything: a tag with the largest 24-bit DataSize. */
    public static final int MAX_TAG_SIZE = FlvTags.tagSize(FlvTags.MAX_BODY_SIZE);

    private enum State { HEADER, TAGS, FAILED }

    private final int maxBodySize;
    private State state = State.HEADER;

    /** Creates a decoder with the default tag size limit of 16 MiB. */
    public FlvDecoder() {
        this(DEFAULT_MAX_TAG_SIZE);
    }

    /**
     * @param maxTagSize largest tag accepted, counting its 11-byte header, body and 4-byte PreviousTagSize
     *     ({@link FlvTags#tagSize}); at least 15, values above {@link #MAX_TAG_SIZE} change nothing. A larger
     *     tag fails the stream as soon as its header arrives, before its body is buffered.
     */
    public FlvDecoder(int maxTagSize) {
        if (maxTagSize < FlvTags.tagSize(0)) {
            throw new IllegalArgumentException("maxTagSize must be at least " + FlvTags.tagSize(0) + ", got " + maxTagSize);
        }
        this.maxBodySize = Math.min(maxTagSize, MAX_TAG_SIZE) - FlvTags.tagSize(0);
    }

    /**
     * Emits every complete tag in {@code in}; after a format error it emits nothing more and discards input.
     *
     * @param in cumulated input, owned by the base class; tags are retained slices of it
     * @param out receives {@link FlvTag}s, each owned by whoever handles it downstream
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case HEADER:
                    if (!FlvParsing.readHeader(in)) {
                        return;
                    }
                    state = State.TAGS;
                    // fall through: tags may already be buffered behind the header
                case TAGS:
                    // One tag per call: ByteToMessageDecoder loops while we make progress.
                    FlvTag tag = FlvParsing.readTag(in, maxBodySize);
                    if (tag != null) {
                        out.add(tag);
                    }
                    return;
                case FAILED:
                default:
                    in.skipBytes(in.readableBytes());
            }
        } catch (FlvFormatException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }
}
