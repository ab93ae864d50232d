package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An RTMP command (RTMP specification 1.0, section 7.2): name, transaction id, command object and
 * further arguments.
 *
 * @param name          such as {@code "connect"}, {@code "publish"}, {@code "_result"}
 * @param transactionId 0 for commands that expect no answer
 * @param commandObject an {@code AmfObject} or null
 * @param arguments     the values after the command object; unmodifiable, may hold nulls
 */
public record Command(String name, double transactionId, Object commandObject, List<Object> arguments) {

    public Command {
        Objects.requireNonNull(name, "name");
        arguments = arguments == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(arguments));
    }

    /** The argument at {@code index}, or null when there are fewer arguments. */
    public Object argument(int index) {
        return index < arguments.size() ? arguments.get(index) : null;
    }

    /**
     * Decodes a command message: type 20 (AMF0), or type 17 (a 0 format byte, then AMF0 values
     * that may switch to AMF3).
     *
     * @param message read without moving its payload's reader index and not released
     * @throws RtmpProtocolException when the message is of another type, its AMF is malformed
     *                               (the cause is the {@code AmfException}), or it lacks a string
     *                               name and a numeric transaction id
     */
    public static Command decode(RtmpMessage message) throws RtmpProtocolException {
        List<Object> values = AmfBodies.read(message, MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3, "command");
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new RtmpProtocolException("command without a name: the body starts with "
                    + (values.isEmpty() ? "nothing" : String.valueOf(values.get(0))));
        }
        if (values.size() < 2 || !(values.get(1) instanceof Number transactionId)) {
            throw new RtmpProtocolException("command '" + name + "' has no numeric transaction id");
        }
        Object commandObject = values.size() > 2 ? values.get(2) : null;
        List<Object> arguments = values.size() > 3 ? values.subList(3, values.size()) : List.of();
        return new Command(name, transactionId.doubleValue(), commandObject, arguments);
    }

    /**
     * Encodes this command as an AMF0 command message (type 20) with timestamp 0.
     *
     * @return a new message whose payload comes from {@code alloc}; the caller owns it
     * @throws IllegalArgumentException when a value cannot be written as AMF0
     */
    public RtmpMessage toMessage(ByteBufAllocator alloc, int csid, int streamId) {
        List<Object> values = new ArrayList<>(3 + arguments.size());
        values.add(name);
        values.add(transactionId);
        values.add(commandObject);
        values.addAll(arguments);
        return new RtmpMessage(MessageType.COMMAND_AMF0, csid, 0, streamId, AmfBodies.write(alloc, values));
    }
}
