package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Collections;
import java.util.Map;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfEcmaArray;
import org.fluvia.codec.amf.AmfException;

/** Reads and writes FLV script data bodies: onMetaData and the RTMP "@setDataFrame" wrapper. */
public final class ScriptData {
    /** Name of the metadata script tag. */
    public static final String ON_META_DATA = "onMetaData";
    /** Name an RTMP publisher puts before onMetaData to ask the server to store it. */
    public static final String SET_DATA_FRAME = "@setDataFrame";

    private ScriptData() {
    }

    /**
     * @param body a script data body; its indices are untouched and it is not released
     * @return the first AMF0 value if it is a string (the script name), else null
     */
    public static String name(ByteBuf body) {
        try {
            return Amf0.read(body.duplicate()) instanceof String s ? s : null;
        } catch (AmfException e) {
            return null;
        }
    }

    /**
     * Removes a leading "@setDataFrame" string, which RTMP publishers send but FLV files and players
     * must not see.
     *
     * @param body a script data body; its indices are untouched and it is not released
     * @return a retained slice after "@setDataFrame", or a retained duplicate of the whole body if it does
     *     not start with it; the caller owns (and releases) the result
     */
    public static ByteBuf stripSetDataFrame(ByteBuf body) {
        ByteBuf probe = body.duplicate();
        try {
            if (SET_DATA_FRAME.equals(Amf0.read(probe))) {
                return body.retainedSlice(probe.readerIndex(), probe.readableBytes());
            }
        } catch (AmfException e) {
            // Not AMF we understand: pass it through unchanged, as the caller would without us.
        }
        return body.retainedDuplicate();
    }

    /**
     * Builds an onMetaData body: the AMF0 string "onMetaData" and an ECMA array of the properties.
     *
     * @param alloc allocator for the result
     * @param properties metadata, in iteration order; values must be AMF0-encodable
     * @return a new buffer; the caller owns it
     * @throws IllegalArgumentException if a value cannot be encoded as AMF0
     */
    public static ByteBuf onMetaData(ByteBufAllocator alloc, Map<String, ?> properties) {
        ByteBuf out = alloc.buffer();
        try {
            Amf0.write(out, ON_META_DATA);
            Amf0.write(out, properties instanceof AmfEcmaArray a ? a : new AmfEcmaArray(properties));
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Reads the properties of an onMetaData body, with or without a leading "@setDataFrame".
     *
     * @param body a script data body; its indices are untouched and it is not released
     * @return the properties (an ECMA array or object as decoded), or an empty map if the body is not
     *     onMetaData or carries no map
     * @throws FlvFormatException if the AMF0 data cannot be decoded
     */
    public static Map<String, Object> readMetaData(ByteBuf body) {
        ByteBuf in = body.duplicate();
        try {
            Object name = in.isReadable() ? Amf0.read(in) : null;
            if (SET_DATA_FRAME.equals(name)) {
                name = in.isReadable() ? Amf0.read(in) : null;
            }
            if (!ON_META_DATA.equals(name) || !in.isReadable()) {
                return Collections.emptyMap();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = Amf0.read(in) instanceof Map<?, ?> m ? (Map<String, Object>) m : Collections.emptyMap();
            return map;
        } catch (AmfException e) {
            throw new FlvFormatException("undecodable onMetaData: " + e.getMessage(), e);
        }
    }
}
