package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;

/**
 * One decoded user control event (RTMP specification 1.0, section 7.1.7).
 *
 * @param type  the event type, see {@link UserControl}
 * @param value the first 4 bytes of event data: a stream id or a timestamp
 * @param extra the buffer length in ms for {@link UserControl#SET_BUFFER_LENGTH}, otherwise 0
 */
public record UserControlEvent(int type, int value, int extra) {

    /**
     * Decodes a user control message body.
     *
     * @param payload read without moving its reader index; not released
     * @throws RtmpProtocolException when the body is too short for its event type
     */
    public static UserControlEvent decode(ByteBuf payload) throws RtmpProtocolException {
        int at = payload.readerIndex();
        int length = payload.readableBytes();
        if (length < 2) {
            throw new RtmpProtocolException("user control message of " + length + " bytes is too short");
        }
        int type = payload.getUnsignedShort(at);
        int needed = switch (type) {
            case UserControl.SET_BUFFER_LENGTH -> 10;
            case UserControl.STREAM_BEGIN, UserControl.STREAM_EOF, UserControl.STREAM_DRY,
                    UserControl.STREAM_IS_RECORDED, UserControl.PING_REQUEST, UserControl.PING_RESPONSE -> 6;
            default -> 2; // unknown events (SWF verification and others) have their own layouts
        };
        if (length < needed) {
            throw new RtmpProtocolException("user control event " + type + " of " + length
                    + " bytes is too short; it needs " + needed);
        }
        int value = length >= 6 ? payload.getInt(at + 2) : 0;
        int extra = type == UserControl.SET_BUFFER_LENGTH ? payload.getInt(at + 6) : 0;
        return new UserControlEvent(type, value, extra);
    }
}
