package org.fluvia.codec.rtmp;

import io.netty.buffer.Unpooled;

/**
 * User control event types and factories for user control messages (type 4, chunk stream 2,
 * message stream 0); each returned message is owned by the caller.
 */
public final class UserControl {

    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;

    private UserControl() {
    }

    public static RtmpMessage streamBegin(int streamId) {
        return event(STREAM_BEGIN, streamId);
    }

    public static RtmpMessage streamEof(int streamId) {
        return event(STREAM_EOF, streamId);
    }

    public static RtmpMessage streamDry(int streamId) {
        return event(STREAM_DRY, streamId);
    }

    public static RtmpMessage streamIsRecorded(int streamId) {
        return event(STREAM_IS_RECORDED, streamId);
    }

    public static RtmpMessage pingRequest(int timestamp) {
        return event(PING_REQUEST, timestamp);
    }

    public static RtmpMessage pingResponse(int timestamp) {
        return event(PING_RESPONSE, timestamp);
    }

    public static RtmpMessage setBufferLength(int streamId, int bufferMillis) {
        return ProtocolControl.control(MessageType.USER_CONTROL,
                Unpooled.buffer(10, 10).writeShort(SET_BUFFER_LENGTH).writeInt(streamId).writeInt(bufferMillis));
    }

    private static RtmpMessage event(int type, int value) {
        return ProtocolControl.control(MessageType.USER_CONTROL, Unpooled.buffer(6, 6).writeShort(type).writeInt(value));
    }
}
