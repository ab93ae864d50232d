package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Factories for the protocol control messages (RTMP specification 1.0, section 5.4), on chunk
 * stream 2 and message stream 0; each returned message is owned by the caller.
 */
public final class ProtocolControl {

    /** The chunk stream protocol control and user control messages travel on. */
    public static final int CONTROL_CSID = 2;

    /** Set Peer Bandwidth limit types. */
    public static final int LIMIT_HARD = 0;
    public static final int LIMIT_SOFT = 1;
    public static final int LIMIT_DYNAMIC = 2;

    private ProtocolControl() {
    }

    /** @param chunkSize 1..0x7FFFFFFF */
    public static RtmpMessage setChunkSize(int chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("invalid chunk size " + Integer.toUnsignedString(chunkSize));
        }
        return control(MessageType.SET_CHUNK_SIZE, Unpooled.buffer(4, 4).writeInt(chunkSize));
    }

    public static RtmpMessage abort(int csid) {
        return control(MessageType.ABORT, Unpooled.buffer(4, 4).writeInt(csid));
    }

    /** @param sequence bytes received so far; written modulo 2^32 as the specification's counter wraps */
    public static RtmpMessage acknowledgement(long sequence) {
        return control(MessageType.ACKNOWLEDGEMENT, Unpooled.buffer(4, 4).writeInt((int) sequence));
    }

    public static RtmpMessage windowAckSize(int windowSize) {
        return control(MessageType.WINDOW_ACK_SIZE, Unpooled.buffer(4, 4).writeInt(windowSize));
    }

    /** @param limitType {@link #LIMIT_HARD}, {@link #LIMIT_SOFT} or {@link #LIMIT_DYNAMIC} */
    public static RtmpMessage setPeerBandwidth(int windowSize, int limitType) {
        return control(MessageType.SET_PEER_BANDWIDTH, Unpooled.buffer(5, 5).writeInt(windowSize).writeByte(limitType));
    }

    /**
     * Reads the 32-bit value at the start of a control message's payload without consuming it.
     *
     * @throws RtmpProtocolException when the payload is shorter than 4 bytes
     */
    public static int readInt(RtmpMessage message) {
        ByteBuf payload = message.payload();
        if (payload.readableBytes() < 4) {
            throw new RtmpProtocolException(MessageType.name(message.typeId()) + " message of "
                    + payload.readableBytes() + " bytes is too short");
        }
        return payload.getInt(payload.readerIndex());
    }

    static RtmpMessage control(int typeId, ByteBuf payload) {
        return new RtmpMessage(typeId, CONTROL_CSID, 0, 0, payload);
    }
}
