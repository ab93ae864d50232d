package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One RTMP message (type, chunk stream, absolute timestamp, message stream, payload) whose
 * reference count is its payload's.
 */
public final class RtmpMessage implements ReferenceCounted {

    private final int typeId;
    private final int csid;
    private final int timestamp;
    private final int streamId;
    private final ByteBuf payload;

    /**
     * @param typeId    the message type id, see {@link MessageType}
     * @param csid      the chunk stream id it travels (or travelled) on
     * @param timestamp absolute timestamp in milliseconds; 32-bit unsigned, wrapping
     * @param streamId  the message stream id
     * @param payload   the message body; ownership passes to this message, whose
     *                  {@link #release()} releases it
     */
    public RtmpMessage(int typeId, int csid, int timestamp, int streamId, ByteBuf payload) {
        this.typeId = typeId;
        this.csid = csid;
        this.timestamp = timestamp;
        this.streamId = streamId;
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    public int typeId() {
        return typeId;
    }

    public int csid() {
        return csid;
    }

    /** Absolute timestamp in milliseconds; read it with {@link Integer#toUnsignedLong(int)}. */
    public int timestamp() {
        return timestamp;
    }

    public int streamId() {
        return streamId;
    }

    /**
     * The message body; still owned by this message. Read it through {@code duplicate()} or
     * {@code getXxx} when the message is passed on afterwards.
     */
    public ByteBuf payload() {
        return payload;
    }

    /**
     * A new message with the same header sharing the payload's content and holding one more
     * reference; the caller owns (and must release) the result.
     */
    public RtmpMessage retainedDuplicate() {
        return new RtmpMessage(typeId, csid, timestamp, streamId, payload.retainedDuplicate());
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public RtmpMessage retain() {
        payload.retain();
        return this;
    }

    @Override
    public RtmpMessage retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public RtmpMessage touch() {
        payload.touch();
        return this;
    }

    @Override
    public RtmpMessage touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }

    @Override
    public String toString() {
        return "RtmpMessage(" + MessageType.name(typeId) + ", csid=" + csid + ", ts="
                + Integer.toUnsignedString(timestamp) + ", stream=" + streamId + ", "
                + payload.readableBytes() + " bytes)";
    }
}
