package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Splits aggregate messages (type 22) into their audio, video and data sub-messages. */
public final class Aggregate {

    /** type(1) + size(3) + timestamp(3) + timestamp extension(1) + stream id(3) */
    private static final int TAG_HEADER = 11;
    private static final int BACK_POINTER = 4;

    private Aggregate() {
    }

    /**
     * Splits an aggregate whose body is a series of FLV tags (each followed by a 4-byte back
     * pointer). The first sub-message gets the aggregate's timestamp; the others keep their offset
     * from the first. Sub-messages inherit the aggregate's chunk stream and message stream ids.
     *
     * @param aggregate read without moving its payload's reader index and not released: the
     *                  caller still owns it
     * @return new messages whose payloads are retained slices of the aggregate's; the caller owns
     *         (and must release) each
     * @throws RtmpProtocolException when a tag's size runs past the end of the body; nothing is
     *                               retained then
     */
    public static List<RtmpMessage> split(RtmpMessage aggregate) throws RtmpProtocolException {
        ByteBuf body = aggregate.payload();
        int at = body.readerIndex();
        int end = body.writerIndex();
        List<RtmpMessage> parts = new ArrayList<>();
        int firstTimestamp = 0;
        try {
            while (at < end) {
                if (end - at < TAG_HEADER) {
                    throw new RtmpProtocolException("aggregate: truncated tag header at offset "
                            + (at - body.readerIndex()) + " (" + (end - at) + " bytes left)");
                }
                int type = body.getUnsignedByte(at);
                int size = body.getUnsignedMedium(at + 1);
                int timestamp = body.getUnsignedMedium(at + 4) | body.getUnsignedByte(at + 7) << 24;
                int bodyStart = at + TAG_HEADER;
                if (size > end - bodyStart) {
                    throw new RtmpProtocolException("aggregate: tag of " + size + " bytes at offset "
                            + (at - body.readerIndex()) + " runs past the end (" + (end - bodyStart) + " bytes left)");
                }
                if (parts.isEmpty()) {
                    firstTimestamp = timestamp;
                }
                parts.add(new RtmpMessage(type, aggregate.csid(), aggregate.timestamp() + (timestamp - firstTimestamp),
                        aggregate.streamId(), body.retainedSlice(bodyStart, size)));
                // Some muxers leave out the last back pointer; tolerate that, but not a partial one.
                at = bodyStart + size;
                int left = end - at;
                if (left > 0 && left < BACK_POINTER) {
                    throw new RtmpProtocolException("aggregate: truncated back pointer at the end (" + left + " bytes)");
                }
                at += Math.min(left, BACK_POINTER);
            }
            return parts;
        } catch (RtmpProtocolException e) {
            for (RtmpMessage part : parts) {
                part.release();
            }
            throw e;
        }
    }
}
