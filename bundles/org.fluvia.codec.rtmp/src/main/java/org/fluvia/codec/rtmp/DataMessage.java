package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An RTMP data message (type 18 or 15) such as {@code @setDataFrame} or {@code onMetaData}: a
 * name followed by values.
 *
 * @param name   the first value, such as {@code "@setDataFrame"} or {@code "onMetaData"}
 * @param values the values after the name; unmodifiable, may hold nulls
 */
public record DataMessage(String name, List<Object> values) {

    public DataMessage {
        Objects.requireNonNull(name, "name");
        values = values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * Decodes a data message: type 18 (AMF0), or type 15 (a 0 format byte, then AMF0 values that
     * may switch to AMF3).
     *
     * @param message read without moving its payload's reader index and not released
     * @throws RtmpProtocolException when the message is of another type, its AMF is malformed
     *                               (the cause is the {@code AmfException}) or it has no string name
     */
    public static DataMessage decode(RtmpMessage message) throws RtmpProtocolException {
        List<Object> values = AmfBodies.read(message, MessageType.DATA_AMF0, MessageType.DATA_AMF3, "data message");
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new RtmpProtocolException("data message without a name: the body starts with "
                    + (values.isEmpty() ? "nothing" : String.valueOf(values.get(0))));
        }
        return new DataMessage(name, values.subList(1, values.size()));
    }

    /** As {@link #toMessage(ByteBufAllocator, int, int, int)} with timestamp 0. */
    public RtmpMessage toMessage(ByteBufAllocator alloc, int csid, int streamId) {
        return toMessage(alloc, csid, 0, streamId);
    }

    /**
     * Encodes this data message as AMF0 (type 18).
     *
     * @return a new message whose payload comes from {@code alloc}; the caller owns it
     * @throws IllegalArgumentException when a value cannot be written as AMF0
     */
    public RtmpMessage toMessage(ByteBufAllocator alloc, int csid, int timestamp, int streamId) {
        List<Object> all = new ArrayList<>(1 + values.size());
        all.add(name);
        all.addAll(values);
        return new RtmpMessage(MessageType.DATA_AMF0, csid, timestamp, streamId, AmfBodies.write(alloc, all));
    }
}
