package org.fluvia.codec.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads and writes AMF0 values (Adobe AMF0 specification) on Netty buffers. */
public final class Amf0 {
    /** The AMF0/AMF3 {@code undefined} value. */
    public static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "undefined";
        }
    };

    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int MOVIECLIP = 0x04;
    static final int NULL = 0x05;
    static final int UNDEFINED_MARKER = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int UNSUPPORTED = 0x0D;
    static final int RECORDSET = 0x0E;
    static final int XML_DOCUMENT = 0x0F;
    static final int TYPED_OBJECT = 0x10;
    static final int AVMPLUS = 0x11;

    private static final int MAX_SHORT_STRING = 0xFFFF;

    private Amf0() {
    }

    /**
     * Reads one AMF0 value.
     *
     * @param in the input; not released. On success its readerIndex is just past the value; on failure it
     *     is left where it was
     * @return the value (see the package mapping: Double, Boolean, String, AmfObject, ...)
     * @throws AmfException if the input is truncated, malformed, unsupported or exceeds a limit
     */
    public static Object read(ByteBuf in) throws AmfException {
        int start = in.readerIndex();
        try {
            return new Reader(in).value(0);
        } catch (AmfException e) {
            in.readerIndex(start);
            throw e;
        }
    }

    /**
     * Reads AMF0 values until the buffer is exhausted, as in an RTMP command body. References are
     * resolved across the values, as one AMF0 message shares one reference table.
     *
     * @param in the input; not released. On success all readable bytes are consumed; on failure the
     *     readerIndex is left where it was
     * @return the values, in order
     * @throws AmfException if any value is truncated, malformed, unsupported or exceeds a limit
     */
    public static List<Object> readAll(ByteBuf in) throws AmfException {
        int start = in.readerIndex();
        try {
            Reader reader = new Reader(in);
            List<Object> values = new ArrayList<>();
            while (in.isReadable()) {
                values.add(reader.value(0));
            }
            return values;
        } catch (AmfException e) {
            in.readerIndex(start);
            throw e;
        }
    }

    /**
     * Writes one value as AMF0. Mapping: null, {@link #UNDEFINED}, Number (as a double), Boolean, String
     * (long string above 65535 UTF-8 bytes), {@link AmfObject} (typed when it has a class name),
     * {@link AmfEcmaArray}, any other Map (as an anonymous object), List or Object[] (strict array),
     * {@link AmfDate}, {@link AmfXmlDocument}. No references are written.
     *
     * @param out the destination; written at its writerIndex, not released
     * @param value the value
     * @throws IllegalArgumentException for a type AMF0 cannot carry, or nesting deeper than 64
     */
    public static void write(ByteBuf out, Object value) {
        write(out, value, 0);
    }

    private static void write(ByteBuf out, Object value, int depth) {
        if (depth > AmfLimits.MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 value nests deeper than " + AmfLimits.MAX_DEPTH + " levels (a cycle?)");
        }
        if (value == null) {
            out.writeByte(NULL);
        } else if (value == UNDEFINED) {
            out.writeByte(UNDEFINED_MARKER);
        } else if (value instanceof Number n) {
            out.writeByte(NUMBER);
            out.writeDouble(n.doubleValue());
        } else if (value instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeByte(b ? 1 : 0);
        } else if (value instanceof String s) {
            int length = ByteBufUtil.utf8Bytes(s);
            if (length > MAX_SHORT_STRING) {
                out.writeByte(LONG_STRING);
                out.writeInt(length);
            } else {
                out.writeByte(STRING);
                out.writeShort(length);
            }
            out.writeCharSequence(s, StandardCharsets.UTF_8);
        } else if (value instanceof AmfObject o) {
            if (o.className() == null) {
                out.writeByte(OBJECT);
            } else {
                out.writeByte(TYPED_OBJECT);
                writeKey(out, o.className());
            }
            writeProperties(out, o, depth);
        } else if (value instanceof AmfEcmaArray a) {
            out.writeByte(ECMA_ARRAY);
            out.writeInt(a.size());
            writeProperties(out, a, depth);
        } else if (value instanceof Map<?, ?> m) {
            out.writeByte(OBJECT);
            writeProperties(out, m, depth);
        } else if (value instanceof List<?> list) {
            out.writeByte(STRICT_ARRAY);
            out.writeInt(list.size());
            for (Object element : list) {
                write(out, element, depth + 1);
            }
        } else if (value instanceof Object[] array) {
            write(out, Arrays.asList(array), depth);
        } else if (value instanceof AmfDate d) {
            out.writeByte(DATE);
            out.writeDouble(d.epochMillis());
            out.writeShort(d.timezone());
        } else if (value instanceof AmfXmlDocument x) {
            out.writeByte(XML_DOCUMENT);
            out.writeInt(ByteBufUtil.utf8Bytes(x.xml()));
            out.writeCharSequence(x.xml(), StandardCharsets.UTF_8);
        } else {
            throw new IllegalArgumentException("AMF0 cannot encode " + value.getClass().getName());
        }
    }

    private static void writeProperties(ByteBuf out, Map<?, ?> map, int depth) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.isEmpty()) {
                // An empty key is the object-end marker on the wire; writing one would truncate the object.
                throw new IllegalArgumentException("AMF0 property names must not be empty");
            }
            writeKey(out, key);
            write(out, e.getValue(), depth + 1);
        }
        out.writeShort(0);
        out.writeByte(OBJECT_END);
    }

    private static void writeKey(ByteBuf out, String key) {
        int length = ByteBufUtil.utf8Bytes(key);
        if (length > MAX_SHORT_STRING) {
            throw new IllegalArgumentException("AMF0 property or class name longer than 65535 UTF-8 bytes");
        }
        out.writeShort(length);
        out.writeCharSequence(key, StandardCharsets.UTF_8);
    }

    /** One decoding pass with its reference table. */
    private static final class Reader {
        private final ByteBuf in;
        private final List<Object> references = new ArrayList<>();

        Reader(ByteBuf in) {
            this.in = in;
        }

        Object value(int depth) throws AmfException {
            AmfLimits.need(in, 1, "AMF0 type marker");
            int offset = in.readerIndex();
            int marker = in.readUnsignedByte();
            switch (marker) {
                case NUMBER:
                    AmfLimits.need(in, 8, "AMF0 number");
                    return in.readDouble();
                case BOOLEAN:
                    AmfLimits.need(in, 1, "AMF0 boolean");
                    return in.readByte() != 0;
                case STRING:
                    return shortString("AMF0 string");
                case LONG_STRING: {
                    AmfLimits.need(in, 4, "AMF0 long string length");
                    return AmfLimits.readUtf8(in, in.readUnsignedInt(), "AMF0 long string");
                }
                case XML_DOCUMENT: {
                    AmfLimits.need(in, 4, "AMF0 XML document length");
                    return new AmfXmlDocument(AmfLimits.readUtf8(in, in.readUnsignedInt(), "AMF0 XML document"));
                }
                case NULL:
                    return null;
                case UNDEFINED_MARKER:
                    return UNDEFINED;
                case OBJECT: {
                    AmfObject object = new AmfObject();
                    references.add(object);
                    properties(object, AmfLimits.enter(in, depth));
                    return object;
                }
                case TYPED_OBJECT: {
                    String className = shortString("AMF0 typed object class name");
                    AmfObject object = new AmfObject(className);
                    references.add(object);
                    properties(object, AmfLimits.enter(in, depth));
                    return object;
                }
                case ECMA_ARRAY: {
                    // The count is only a hint (encoders disagree on it); the end marker is authoritative.
                    AmfLimits.need(in, 4, "AMF0 ECMA array count");
                    in.skipBytes(4);
                    AmfEcmaArray array = new AmfEcmaArray();
                    references.add(array);
                    properties(array, AmfLimits.enter(in, depth));
                    return array;
                }
                case STRICT_ARRAY: {
                    AmfLimits.need(in, 4, "AMF0 strict array count");
                    long count = in.readUnsignedInt();
                    AmfLimits.checkCount(in, count, "AMF0 strict array");
                    List<Object> list = new ArrayList<>((int) count);
                    references.add(list);
                    int inner = AmfLimits.enter(in, depth);
                    for (long i = 0; i < count; i++) {
                        list.add(value(inner));
                    }
                    return list;
                }
                case DATE: {
                    AmfLimits.need(in, 10, "AMF0 date");
                    return new AmfDate(in.readDouble(), in.readShort());
                }
                case REFERENCE: {
                    AmfLimits.need(in, 2, "AMF0 reference");
                    int index = in.readUnsignedShort();
                    if (index >= references.size()) {
                        throw new AmfException("AMF0 reference " + index + " at offset " + offset + " points past the "
                                + references.size() + " objects read so far");
                    }
                    return references.get(index);
                }
                case AVMPLUS:
                    return new Amf3.Reader(in, depth).value();
                case OBJECT_END:
                    throw new AmfException("AMF0 object-end marker outside an object at offset " + offset);
                case MOVIECLIP:
                case UNSUPPORTED:
                case RECORDSET:
                    throw new AmfException("unsupported AMF0 type 0x" + Integer.toHexString(marker) + " at offset " + offset);
                default:
                    throw new AmfException("unknown AMF0 type marker 0x" + Integer.toHexString(marker) + " at offset " + offset);
            }
        }

        private String shortString(String what) throws AmfException {
            AmfLimits.need(in, 2, what + " length");
            return AmfLimits.readUtf8(in, in.readUnsignedShort(), what);
        }

        private void properties(Map<String, Object> target, int depth) throws AmfException {
            while (true) {
                String key = shortString("AMF0 property name");
                if (key.isEmpty()) {
                    AmfLimits.need(in, 1, "AMF0 object-end marker");
                    int end = in.readUnsignedByte();
                    if (end != OBJECT_END) {
                        throw new AmfException("expected AMF0 object-end marker after empty property name at offset "
                                + (in.readerIndex() - 1) + ", found 0x" + Integer.toHexString(end));
                    }
                    return;
                }
                target.put(key, value(depth));
            }
        }
    }
}
