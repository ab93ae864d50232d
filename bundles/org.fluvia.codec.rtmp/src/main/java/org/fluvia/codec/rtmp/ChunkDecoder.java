package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.List;

/**
 * Reassembles RTMP chunks (RTMP specification 1.0, section 5.3) into {@link RtmpMessage}s.
 *
 * <p>Set Chunk Size and Abort are applied here and also passed on. Limits: a message may not exceed
 * {@code maxMessageSize} bytes and at most {@code maxOpenChunkStreams} chunk streams may carry a
 * partially received message at once; a violation closes the channel with an
 * {@link RtmpProtocolException}. Not sharable: it holds the chunk streams of one connection.
 */
public class ChunkDecoder extends ByteToMessageDecoder {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_OPEN_CHUNK_STREAMS = 64;
    public static final int DEFAULT_CHUNK_SIZE = 128;

    private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;

    private enum State { HEADER, PAYLOAD, BAD }

    /** What a chunk stream remembers from its previous chunk headers. */
    private static final class ChunkStream {
        final int csid;
        int typeId;
        int streamId;
        int length;
        /** Absolute timestamp of the message in progress, or of the last one. */
        int timestamp;
        /** The last timestamp field (absolute for fmt 0, delta otherwise), after extension. */
        int timestampField;
        boolean extended;
        boolean inProgress;
        int received;
        ByteBuf partial;

        ChunkStream(int csid) {
            this.csid = csid;
        }
    }

    private final int maxMessageSize;
    private final int maxOpenChunkStreams;
    private final IntObjectMap<ChunkStream> streams = new IntObjectHashMap<>();
    private State state = State.HEADER;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int openMessages;
    private ChunkStream current;
    private int chunkLength;
    private volatile long bytesRead;

    /** A decoder with a 16 MiB message limit and at most 64 partial messages. */
    public ChunkDecoder() {
        this(DEFAULT_MAX_MESSAGE_SIZE);
    }

    /** @param maxMessageSize the largest message accepted, in bytes */
    public ChunkDecoder(int maxMessageSize) {
        this(maxMessageSize, DEFAULT_MAX_OPEN_CHUNK_STREAMS);
    }

    /**
     * @param maxMessageSize      the largest message accepted, in bytes
     * @param maxOpenChunkStreams how many chunk streams may carry a partially received message at once
     */
    public ChunkDecoder(int maxMessageSize, int maxOpenChunkStreams) {
        if (maxMessageSize <= 0 || maxOpenChunkStreams <= 0) {
            throw new IllegalArgumentException("limits must be positive: maxMessageSize=" + maxMessageSize
                    + ", maxOpenChunkStreams=" + maxOpenChunkStreams);
        }
        this.maxMessageSize = maxMessageSize;
        this.maxOpenChunkStreams = maxOpenChunkStreams;
    }

    /** Bytes received on this channel so far (including those not yet decoded), for acknowledgements. */
    public long bytesRead() {
        return bytesRead;
    }

    /** The chunk size the peer currently sends with. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Counts the buffer's bytes and hands it to the superclass, which takes ownership. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesRead += buf.readableBytes();
        }
        super.channelRead(ctx, msg);
    }

    /**
     * Decodes whole chunks from {@code in} (owned by the superclass); each emitted message's payload
     * is either a retained slice of {@code in} or a buffer from {@code ctx.alloc()}.
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case HEADER:
                    if (!readHeader(ctx, in)) {
                        return;
                    }
                    break;
                case PAYLOAD:
                    if (in.readableBytes() < chunkLength) {
                        return;
                    }
                    readPayload(ctx, in, out);
                    break;
                default:
                    in.skipBytes(in.readableBytes());
                    return;
            }
        }
    }

    /** Parses one chunk header if all of it is readable; returns false (consuming nothing) otherwise. */
    private boolean readHeader(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available < 1) {
            return false;
        }
        int first = in.getUnsignedByte(start);
        int fmt = first >>> 6;
        int csid = first & 0x3F;
        int pos = 1;
        if (csid == 0) {
            if (available < 2) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1);
            pos = 2;
        } else if (csid == 1) {
            if (available < 3) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1) + (in.getUnsignedByte(start + 2) << 8);
            pos = 3;
        }
        int messageHeaderLength = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
        if (available < pos + messageHeaderLength) {
            return false;
        }
        ChunkStream cs = streams.get(csid);
        if (fmt != 0 && cs == null) {
            fail(ctx, in, "chunk stream " + csid + ": fmt " + fmt + " chunk before any fmt 0 header");
        }
        boolean newMessage = cs == null || !cs.inProgress;
        int headerLength;
        if (fmt < 3) {
            if (!newMessage) {
                fail(ctx, in, "chunk stream " + csid + ": fmt " + fmt + " header while a message of "
                        + cs.length + " bytes is incomplete (" + cs.received + " received)");
            }
            int field = in.getUnsignedMedium(start + pos);
            boolean extended = field == EXTENDED_TIMESTAMP;
            headerLength = pos + messageHeaderLength + (extended ? 4 : 0);
            if (available < headerLength) {
                return false;
            }
            if (extended) {
                field = in.getInt(start + pos + messageHeaderLength);
            }
            int length = fmt <= 1 ? in.getUnsignedMedium(start + pos + 3) : cs.length;
            if (length > maxMessageSize) {
                fail(ctx, in, "message of " + length + " bytes exceeds the limit " + maxMessageSize);
            }
            if (cs == null) {
                cs = new ChunkStream(csid);
                streams.put(csid, cs);
            }
            if (fmt <= 1) {
                cs.length = length;
                cs.typeId = in.getUnsignedByte(start + pos + 6);
            }
            if (fmt == 0) {
                cs.streamId = in.getIntLE(start + pos + 7);
                cs.timestamp = field;
            } else {
                cs.timestamp += field;
            }
            cs.timestampField = field;
            cs.extended = extended;
        } else {
            headerLength = pos;
            if (cs.extended) {
                // The specification repeats the extended timestamp on fmt 3 chunks; Flash, librtmp and FFmpeg
                // do, some encoders do not. Accept both by checking whether the next 4 bytes repeat it.
                if (available < pos + 4) {
                    return false;
                }
                if (in.getInt(start + pos) == cs.timestampField) {
                    headerLength += 4;
                }
            }
            if (newMessage) {
                // A fmt 3 chunk that starts a message repeats the previous delta (after fmt 0: its field).
                cs.timestamp += cs.timestampField;
            }
        }
        if (newMessage) {
            if (cs.length > chunkSize && openMessages >= maxOpenChunkStreams) {
                fail(ctx, in, "more than " + maxOpenChunkStreams + " chunk streams carry partial messages");
            }
            cs.inProgress = true;
            cs.received = 0;
            openMessages++;
        }
        in.readerIndex(start + headerLength);
        current = cs;
        chunkLength = Math.min(chunkSize, cs.length - cs.received);
        state = State.PAYLOAD;
        return true;
    }

    private void readPayload(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ChunkStream cs = current;
        state = State.HEADER;
        current = null;
        ByteBuf payload;
        if (cs.received == 0 && chunkLength == cs.length) {
            // The whole message is in this chunk: no copy.
            payload = cs.length == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(cs.length);
        } else {
            if (cs.partial == null) {
                cs.partial = ctx.alloc().buffer(cs.length, cs.length);
            }
            cs.partial.writeBytes(in, chunkLength);
            cs.received += chunkLength;
            if (cs.received < cs.length) {
                return;
            }
            payload = cs.partial;
            cs.partial = null;
        }
        cs.inProgress = false;
        cs.received = 0;
        openMessages--;
        RtmpMessage message = new RtmpMessage(cs.typeId, cs.csid, cs.timestamp, cs.streamId, payload);
        if (cs.typeId == MessageType.SET_CHUNK_SIZE) {
            applySetChunkSize(ctx, in, message);
        } else if (cs.typeId == MessageType.ABORT) {
            applyAbort(ctx, in, message);
        }
        out.add(message);
    }

    private void applySetChunkSize(ChannelHandlerContext ctx, ByteBuf in, RtmpMessage message) {
        ByteBuf payload = message.payload();
        if (payload.readableBytes() < 4) {
            int length = payload.readableBytes();
            message.release();
            fail(ctx, in, "set chunk size message of " + length + " bytes is too short");
        }
        int size = payload.getInt(payload.readerIndex());
        if (size <= 0) {
            message.release();
            fail(ctx, in, "invalid chunk size " + Integer.toUnsignedString(size));
        }
        chunkSize = size;
    }

    private void applyAbort(ChannelHandlerContext ctx, ByteBuf in, RtmpMessage message) {
        ByteBuf payload = message.payload();
        if (payload.readableBytes() < 4) {
            int length = payload.readableBytes();
            message.release();
            fail(ctx, in, "abort message of " + length + " bytes is too short");
        }
        ChunkStream cs = streams.get(payload.getInt(payload.readerIndex()));
        if (cs != null && cs.inProgress) {
            discard(cs);
        }
    }

    private void discard(ChunkStream cs) {
        if (cs.partial != null) {
            cs.partial.release();
            cs.partial = null;
        }
        cs.inProgress = false;
        cs.received = 0;
        openMessages--;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String message) {
        state = State.BAD;
        in.skipBytes(in.readableBytes());
        releasePartials();
        ctx.close();
        throw new RtmpProtocolException(message);
    }

    private void releasePartials() {
        for (ChunkStream cs : streams.values()) {
            if (cs.inProgress) {
                discard(cs);
            }
        }
        current = null;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartials();
    }
}
