package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** Decodes an FLV byte stream (header, then tags) into {@link FlvTag}s whose bodies are retained slices. */
public class FlvDecoder extends ByteToMessageDecoder {
    /** Default limit on a tag body: far above any sane video frame, far below memory trouble. */
    public static final int DEFAULT_MAX_BODY_SIZE = 16 * 1024 * 1024;

    private enum State { HEADER, TAGS, FAILED }

    private final int maxBodySize;
    private State state = State.HEADER;

    /** Creates a decoder with the default body size limit of 16 MiB. */
    public FlvDecoder() {
        this(DEFAULT_MAX_BODY_SIZE);
    }

    /**
     * @param maxBodySize largest tag body (DataSize) accepted, 1..0xFFFFFF; a larger tag fails the stream
     */
    public FlvDecoder(int maxBodySize) {
        if (maxBodySize < 1 || maxBodySize > FlvTags.MAX_BODY_SIZE) {
            throw new IllegalArgumentException("maxBodySize must be 1.." + FlvTags.MAX_BODY_SIZE + ", got " + maxBodySize);
        }
        this.maxBodySize = maxBodySize;
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
