package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Splits outbound {@link RtmpMessage}s into chunks (fmt 0, then fmt 3) at this channel's chunk
 * size and lets pre-encoded {@link ByteBuf}s through untouched.
 *
 * <p>Not sharable: the outbound chunk size is per channel and changes after a Set Chunk Size
 * message passes through. Pre-encoded buffers must have been encoded with {@link #chunkSize()}.
 */
public class ChunkEncoder extends ChannelOutboundHandlerAdapter {

    public static final int DEFAULT_CHUNK_SIZE = 128;

    private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;
    private static final int MAX_CSID = 65599;
    private static final int MAX_LENGTH = 0xFFFFFF;

    private volatile int chunkSize = DEFAULT_CHUNK_SIZE;

    /** The chunk size messages are currently written with. */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Encodes an {@link RtmpMessage} (which this method releases) into a new buffer and writes that;
     * other messages pass on unchanged with their ownership.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof RtmpMessage message)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf encoded;
        int nextChunkSize = chunkSize;
        try {
            encoded = encode(ctx.alloc(), message.typeId(), message.csid(), message.timestamp(), message.streamId(),
                    message.payload(), chunkSize);
            ByteBuf payload = message.payload();
            if (message.typeId() == MessageType.SET_CHUNK_SIZE && payload.readableBytes() >= 4) {
                int size = payload.getInt(payload.readerIndex());
                if (size > 0) {
                    nextChunkSize = size;
                }
            }
        } finally {
            message.release();
        }
        // The Set Chunk Size message itself still goes out in the old size; what follows uses the new one.
        chunkSize = nextChunkSize;
        ctx.write(encoded, promise);
    }

    /**
     * Encodes one message as chunks: a fmt 0 chunk, then fmt 3 chunks, each repeating the extended
     * timestamp when the timestamp is 0xFFFFFF or more. Deterministic, so one encoding can be
     * shared by many channels.
     *
     * @param payload not consumed (its reader index is unchanged) and not released
     * @return a new, exactly sized buffer that the caller owns
     * @throws IllegalArgumentException for a csid outside 2..65599, a chunk size below 1 or a
     *                                  payload longer than 16 MiB - 1
     */
    public static ByteBuf encode(ByteBufAllocator alloc, int typeId, int csid, int timestamp, int streamId,
            ByteBuf payload, int chunkSize) {
        if (csid < 2 || csid > MAX_CSID) {
            throw new IllegalArgumentException("chunk stream id " + csid + " is outside 2.." + MAX_CSID);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("invalid chunk size " + chunkSize);
        }
        int length = payload.readableBytes();
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("message of " + length + " bytes exceeds the 24-bit length field");
        }
        boolean extended = Integer.compareUnsigned(timestamp, EXTENDED_TIMESTAMP) >= 0;
        int basicHeader = csid < 64 ? 1 : csid < 320 ? 2 : 3;
        int continuationHeader = basicHeader + (extended ? 4 : 0);
        int chunks = length == 0 ? 1 : (length - 1) / chunkSize + 1;
        int total = basicHeader + 11 + (extended ? 4 : 0) + (chunks - 1) * continuationHeader + length;

        ByteBuf out = alloc.buffer(total, total);
        writeBasicHeader(out, 0, csid);
        out.writeMedium(extended ? EXTENDED_TIMESTAMP : timestamp);
        out.writeMedium(length);
        out.writeByte(typeId);
        out.writeIntLE(streamId);
        if (extended) {
            out.writeInt(timestamp);
        }
        int index = payload.readerIndex();
        int remaining = length;
        int n = Math.min(chunkSize, remaining);
        out.writeBytes(payload, index, n);
        index += n;
        remaining -= n;
        while (remaining > 0) {
            writeBasicHeader(out, 3, csid);
            if (extended) {
                out.writeInt(timestamp);
            }
            n = Math.min(chunkSize, remaining);
            out.writeBytes(payload, index, n);
            index += n;
            remaining -= n;
        }
        return out;
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(csid - 64);
        } else {
            out.writeByte(fmt << 6 | 1);
            out.writeByte((csid - 64) & 0xFF);
            out.writeByte((csid - 64) >>> 8);
        }
    }
}
