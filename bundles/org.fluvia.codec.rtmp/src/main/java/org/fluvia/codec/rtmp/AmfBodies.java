package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfException;

/** Reading and writing the AMF0 value lists that command and data message bodies consist of. */
final class AmfBodies {

    private AmfBodies() {
    }

    /**
     * Reads all values of a command or data body; the payload is read through a duplicate and not released.
     *
     * @param kind "command" or "data message", for error messages
     */
    static List<Object> read(RtmpMessage message, int amf0Type, int amf3Type, String kind) {
        int type = message.typeId();
        if (type != amf0Type && type != amf3Type) {
            throw new RtmpProtocolException(MessageType.name(type) + " message is not a " + kind);
        }
        ByteBuf in = message.payload().duplicate();
        // The AMF3 variants start with a format selector byte of 0, then AMF0 values (which may switch to AMF3).
        if (type == amf3Type && in.isReadable() && in.getByte(in.readerIndex()) == 0) {
            in.skipBytes(1);
        }
        int start = in.readerIndex();
        try {
            // One reader for the whole body: AMF0 references may point across values.
            return Amf0.readAll(in);
        } catch (AmfException e) {
            throw new RtmpProtocolException(describeFailure(in, start, kind, e), e);
        }
    }

    /** Re-reads value by value only to say which value is malformed. */
    private static String describeFailure(ByteBuf in, int start, String kind, AmfException cause) {
        ByteBuf probe = in.duplicate().readerIndex(start);
        Object name = null;
        int position = 0;
        try {
            while (probe.isReadable()) {
                Object value = Amf0.read(probe);
                if (position == 0) {
                    name = value;
                }
                position++;
            }
        } catch (AmfException e) {
            // position is the value that fails
        }
        String which = name instanceof String s ? kind + " '" + s + "'" : kind;
        return "malformed AMF in " + which + " at value " + position + " (" + positionName(kind, position) + "): "
                + cause.getMessage();
    }

    private static String positionName(String kind, int position) {
        if (position == 0) {
            return "name";
        }
        if (!kind.equals("command")) {
            return "value " + (position - 1);
        }
        return switch (position) {
            case 1 -> "transaction id";
            case 2 -> "command object";
            default -> "argument " + (position - 3);
        };
    }

    /** Writes the values as AMF0 into a new buffer from {@code alloc}, which the caller owns. */
    static ByteBuf write(ByteBufAllocator alloc, List<Object> values) {
        ByteBuf out = alloc.buffer();
        try {
            for (Object value : values) {
                Amf0.write(out, value);
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
