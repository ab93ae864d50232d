package org.fluvia.codec.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads and writes AMF3 values (Adobe AMF3 specification) on Netty buffers. */
public final class Amf3 {
    static final int UNDEFINED = 0x00;
    static final int NULL = 0x01;
    static final int FALSE = 0x02;
    static final int TRUE = 0x03;
    static final int INTEGER = 0x04;
    static final int DOUBLE = 0x05;
    static final int STRING = 0x06;
    static final int XML_DOC = 0x07;
    static final int DATE = 0x08;
    static final int ARRAY = 0x09;
    static final int OBJECT = 0x0A;
    static final int XML = 0x0B;
    static final int BYTE_ARRAY = 0x0C;

    static final int INT_MIN = -(1 << 28);
    static final int INT_MAX = (1 << 28) - 1;
    private static final int U29_MAX = (1 << 29) - 1;
    /** Lengths and counts share a U29 with a one-bit flag, leaving 28 bits. */
    private static final int MAX_LENGTH = (1 << 28) - 1;

    private Amf3() {
    }

    /**
     * Reads one AMF3 value with fresh reference tables. Mapping: undefined → {@link Amf0#UNDEFINED},
     * null, Boolean, integer → Integer, double → Double, String, XML and XMLDocument →
     * {@link AmfXmlDocument}, {@link AmfDate}, array → List when it has only a dense part, otherwise
     * {@link AmfEcmaArray} (associative entries, then dense elements under keys "0", "1", ...), object →
     * {@link AmfObject} (class name null when anonymous), ByteArray → byte[].
     *
     * @param in the input; not released. On success its readerIndex is just past the value; on failure it
     *     is left where it was
     * @return the value
     * @throws AmfException if the input is truncated, malformed, externalizable, of an unsupported type
     *     (vectors, dictionary) or exceeds a limit
     */
    public static Object read(ByteBuf in) throws AmfException {
        int start = in.readerIndex();
        try {
            return new Reader(in, 0).value();
        } catch (AmfException e) {
            in.readerIndex(start);
            throw e;
        }
    }

    /**
     * Writes one value as AMF3, without references. Mapping: null, {@link Amf0#UNDEFINED}, Boolean,
     * Integer/Short/Byte/Long within 29-bit signed range as integer, other Numbers as double, String,
     * {@link AmfXmlDocument} (XMLDocument), {@link AmfDate}, byte[] (ByteArray), List or Object[]
     * (dense array), {@link AmfEcmaArray} (associative array), {@link AmfObject} and other Maps
     * (dynamic object).
     *
     * @param out the destination; written at its writerIndex, not released
     * @param value the value
     * @throws IllegalArgumentException for a type AMF3 cannot carry here, an over-long string, or nesting
     *     deeper than 64
     */
    public static void write(ByteBuf out, Object value) {
        write(out, value, 0);
    }

    private static void write(ByteBuf out, Object value, int depth) {
        if (depth > AmfLimits.MAX_DEPTH) {
            throw new IllegalArgumentException("AMF3 value nests deeper than " + AmfLimits.MAX_DEPTH + " levels (a cycle?)");
        }
        if (value == null) {
            out.writeByte(NULL);
        } else if (value == Amf0.UNDEFINED) {
            out.writeByte(UNDEFINED);
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if ((value instanceof Integer || value instanceof Short || value instanceof Byte || value instanceof Long)
                && ((Number) value).longValue() >= INT_MIN && ((Number) value).longValue() <= INT_MAX) {
            out.writeByte(INTEGER);
            writeU29(out, ((Number) value).intValue() & U29_MAX);
        } else if (value instanceof Number n) {
            out.writeByte(DOUBLE);
            out.writeDouble(n.doubleValue());
        } else if (value instanceof String s) {
            out.writeByte(STRING);
            writeString(out, s);
        } else if (value instanceof AmfXmlDocument x) {
            out.writeByte(XML_DOC);
            writeString(out, x.xml());
        } else if (value instanceof AmfDate d) {
            out.writeByte(DATE);
            writeU29(out, 1);
            out.writeDouble(d.epochMillis());
        } else if (value instanceof byte[] bytes) {
            out.writeByte(BYTE_ARRAY);
            writeU29(out, lengthHeader(bytes.length));
            out.writeBytes(bytes);
        } else if (value instanceof List<?> list) {
            out.writeByte(ARRAY);
            writeU29(out, lengthHeader(list.size()));
            writeString(out, "");
            for (Object element : list) {
                write(out, element, depth + 1);
            }
        } else if (value instanceof Object[] array) {
            write(out, Arrays.asList(array), depth);
        } else if (value instanceof AmfEcmaArray a) {
            out.writeByte(ARRAY);
            writeU29(out, lengthHeader(0));
            writeDynamicMembers(out, a, depth);
        } else if (value instanceof Map<?, ?> m) {
            out.writeByte(OBJECT);
            // 0b1011: object inline, traits inline, not externalizable, dynamic, no sealed members.
            writeU29(out, 0x0B);
            writeString(out, m instanceof AmfObject o && o.className() != null ? o.className() : "");
            writeDynamicMembers(out, m, depth);
        } else {
            throw new IllegalArgumentException("AMF3 cannot encode " + value.getClass().getName());
        }
    }

    private static void writeDynamicMembers(ByteBuf out, Map<?, ?> map, int depth) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.isEmpty()) {
                // The empty name terminates the member list on the wire.
                throw new IllegalArgumentException("AMF3 member names must not be empty");
            }
            writeString(out, key);
            write(out, e.getValue(), depth + 1);
        }
        writeString(out, "");
    }

    private static int lengthHeader(int length) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("AMF3 length " + length + " exceeds " + MAX_LENGTH);
        }
        return (length << 1) | 1;
    }

    private static void writeString(ByteBuf out, String s) {
        writeU29(out, lengthHeader(ByteBufUtil.utf8Bytes(s)));
        out.writeCharSequence(s, StandardCharsets.UTF_8);
    }

    static void writeU29(ByteBuf out, int value) {
        if (value < 0x80) {
            out.writeByte(value);
        } else if (value < 0x4000) {
            out.writeByte(value >> 7 | 0x80);
            out.writeByte(value & 0x7F);
        } else if (value < 0x200000) {
            out.writeByte(value >> 14 | 0x80);
            out.writeByte(value >> 7 & 0x7F | 0x80);
            out.writeByte(value & 0x7F);
        } else {
            out.writeByte(value >> 22 | 0x80);
            out.writeByte(value >> 15 & 0x7F | 0x80);
            out.writeByte(value >> 8 & 0x7F | 0x80);
            out.writeByte(value & 0xFF);
        }
    }

    /** Class traits as read from the wire, kept for trait references. */
    private record Traits(String className, boolean dynamic, List<String> sealed) {
    }

    /** One decoding pass with its string, object and traits reference tables. */
    static final class Reader {
        private final ByteBuf in;
        private final int baseDepth;
        private final List<String> strings = new ArrayList<>();
        private final List<Object> objects = new ArrayList<>();
        private final List<Traits> traits = new ArrayList<>();

        /**
         * @param in the input, read from its readerIndex; not released
         * @param baseDepth nesting depth already used by an enclosing AMF0 value
         */
        Reader(ByteBuf in, int baseDepth) {
            this.in = in;
            this.baseDepth = baseDepth;
        }

        Object value() throws AmfException {
            return value(baseDepth);
        }

        private Object value(int depth) throws AmfException {
            AmfLimits.need(in, 1, "AMF3 type marker");
            int offset = in.readerIndex();
            int marker = in.readUnsignedByte();
            switch (marker) {
                case UNDEFINED:
                    return Amf0.UNDEFINED;
                case NULL:
                    return null;
                case FALSE:
                    return Boolean.FALSE;
                case TRUE:
                    return Boolean.TRUE;
                case INTEGER: {
                    int u29 = u29();
                    // Sign-extend the 29-bit value.
                    return (u29 << 3) >> 3;
                }
                case DOUBLE:
                    AmfLimits.need(in, 8, "AMF3 double");
                    return in.readDouble();
                case STRING:
                    return string();
                case XML_DOC:
                case XML: {
                    int header = u29();
                    if ((header & 1) == 0) {
                        return reference(header >> 1, offset);
                    }
                    AmfXmlDocument xml = new AmfXmlDocument(AmfLimits.readUtf8(in, header >> 1, "AMF3 XML"));
                    objects.add(xml);
                    return xml;
                }
                case DATE: {
                    int header = u29();
                    if ((header & 1) == 0) {
                        return reference(header >> 1, offset);
                    }
                    AmfLimits.need(in, 8, "AMF3 date");
                    AmfDate date = new AmfDate(in.readDouble(), (short) 0);
                    objects.add(date);
                    return date;
                }
                case BYTE_ARRAY: {
                    int header = u29();
                    if ((header & 1) == 0) {
                        return reference(header >> 1, offset);
                    }
                    int length = header >> 1;
                    AmfLimits.need(in, length, "AMF3 byte array");
                    byte[] bytes = new byte[length];
                    in.readBytes(bytes);
                    objects.add(bytes);
                    return bytes;
                }
                case ARRAY:
                    return array(offset, AmfLimits.enter(in, depth));
                case OBJECT:
                    return object(offset, AmfLimits.enter(in, depth));
                default:
                    throw new AmfException((marker <= 0x11 ? "unsupported" : "unknown") + " AMF3 type marker 0x"
                            + Integer.toHexString(marker) + " at offset " + offset);
            }
        }

        private Object array(int offset, int depth) throws AmfException {
            int header = u29();
            if ((header & 1) == 0) {
                return reference(header >> 1, offset);
            }
            int denseCount = header >> 1;
            AmfEcmaArray associative = null;
            int slot = objects.size();
            objects.add(null);
            for (String key = string(); !key.isEmpty(); key = string()) {
                if (associative == null) {
                    associative = new AmfEcmaArray();
                    objects.set(slot, associative);
                }
                associative.put(key, value(depth));
            }
            AmfLimits.checkCount(in, denseCount, "AMF3 dense array");
            if (associative == null) {
                List<Object> list = new ArrayList<>(denseCount);
                objects.set(slot, list);
                for (int i = 0; i < denseCount; i++) {
                    list.add(value(depth));
                }
                return list;
            }
            for (int i = 0; i < denseCount; i++) {
                associative.put(Integer.toString(i), value(depth));
            }
            return associative;
        }

        private Object object(int offset, int depth) throws AmfException {
            int header = u29();
            if ((header & 1) == 0) {
                return reference(header >> 1, offset);
            }
            Traits t;
            if ((header & 2) == 0) {
                int index = header >> 2;
                if (index >= traits.size()) {
                    throw new AmfException("AMF3 traits reference " + index + " at offset " + offset
                            + " points past the " + traits.size() + " traits read so far");
                }
                t = traits.get(index);
            } else if ((header & 4) != 0) {
                throw new AmfException("externalizable AMF3 object at offset " + offset + " is not supported");
            } else {
                boolean dynamic = (header & 8) != 0;
                int sealedCount = header >> 4;
                String className = string();
                AmfLimits.checkCount(in, sealedCount, "AMF3 sealed member");
                List<String> sealed = new ArrayList<>(sealedCount);
                for (int i = 0; i < sealedCount; i++) {
                    sealed.add(string());
                }
                t = new Traits(className.isEmpty() ? null : className, dynamic, sealed);
                traits.add(t);
            }
            AmfObject object = new AmfObject(t.className());
            objects.add(object);
            for (String name : t.sealed()) {
                object.put(name, value(depth));
            }
            if (t.dynamic()) {
                for (String key = string(); !key.isEmpty(); key = string()) {
                    object.put(key, value(depth));
                }
            }
            return object;
        }

        private Object reference(int index, int offset) throws AmfException {
            if (index >= objects.size() || objects.get(index) == null) {
                throw new AmfException("AMF3 object reference " + index + " at offset " + offset
                        + " points to no complete object");
            }
            return objects.get(index);
        }

        private String string() throws AmfException {
            int offset = in.readerIndex();
            int header = u29();
            if ((header & 1) == 0) {
                int index = header >> 1;
                if (index >= strings.size()) {
                    throw new AmfException("AMF3 string reference " + index + " at offset " + offset
                            + " points past the " + strings.size() + " strings read so far");
                }
                return strings.get(index);
            }
            String s = AmfLimits.readUtf8(in, header >> 1, "AMF3 string");
            // The empty string is never sent by reference, so it never takes a slot.
            if (!s.isEmpty()) {
                strings.add(s);
            }
            return s;
        }

        private int u29() throws AmfException {
            int value = 0;
            for (int i = 0; i < 3; i++) {
                AmfLimits.need(in, 1, "AMF3 U29");
                int b = in.readUnsignedByte();
                value = value << 7 | (b & 0x7F);
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            AmfLimits.need(in, 1, "AMF3 U29");
            return value << 8 | in.readUnsignedByte();
        }
    }
}
