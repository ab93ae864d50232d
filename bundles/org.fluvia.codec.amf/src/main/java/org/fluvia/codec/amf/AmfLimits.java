package org.fluvia.codec.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Bounds checks shared by the AMF0 and AMF3 readers, so garbage fails fast with a typed error. */
final class AmfLimits {
    /** Deepest container nesting accepted; real RTMP traffic stays below 5. */
    static final int MAX_DEPTH = 64;

    private AmfLimits() {
    }

    static void need(ByteBuf in, long bytes, String what) throws AmfException {
        if (bytes < 0 || in.readableBytes() < bytes) {
            throw new AmfException("truncated " + what + " at offset " + in.readerIndex() + ": need " + bytes
                    + " bytes, have " + in.readableBytes());
        }
    }

    /** Rejects an element count that could not possibly fit in what is left (each element takes at least one byte). */
    static void checkCount(ByteBuf in, long count, String what) throws AmfException {
        if (count < 0 || count > in.readableBytes()) {
            throw new AmfException(what + " count " + count + " at offset " + in.readerIndex()
                    + " exceeds the " + in.readableBytes() + " remaining bytes");
        }
    }

    static int enter(ByteBuf in, int depth) throws AmfException {
        if (depth >= MAX_DEPTH) {
            throw new AmfException("nesting deeper than " + MAX_DEPTH + " levels at offset " + in.readerIndex());
        }
        return depth + 1;
    }

    static String readUtf8(ByteBuf in, long length, String what) throws AmfException {
        need(in, length, what);
        String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
        in.skipBytes((int) length);
        return s;
    }
}
