package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One FLV tag as decoded: its type, its 32-bit timestamp and its body, whose reference count this
 * holder shares.
 *
 * @param type the tag type: {@link FlvTags#AUDIO}, {@link FlvTags#VIDEO} or {@link FlvTags#SCRIPT}
 * @param timestamp milliseconds, the extended byte already merged in (may be negative as an int when
 *     the upper bit is set; treat as unsigned 32-bit)
 * @param body the tag body; owned by this tag, released when the tag is released
 */
public record FlvTag(int type, int timestamp, ByteBuf body) implements ReferenceCounted {

    @Override
    public int refCnt() {
        return body.refCnt();
    }

    @Override
    public FlvTag retain() {
        body.retain();
        return this;
    }

    @Override
    public FlvTag retain(int increment) {
        body.retain(increment);
        return this;
    }

    @Override
    public FlvTag touch() {
        body.touch();
        return this;
    }

    @Override
    public FlvTag touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return body.release();
    }

    @Override
    public boolean release(int decrement) {
        return body.release(decrement);
    }
}
