package org.fluvia.codec.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper that builds byte vectors by hand, independently of the encoders under test. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replaceAll("\\s", ""));
    }

    static String hex(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }

    Bytes u8(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    Bytes u16(int v) {
        return u8(v >> 8 & 0xFF, v & 0xFF);
    }

    Bytes u32(long v) {
        return u8((int) (v >> 24 & 0xFF), (int) (v >> 16 & 0xFF), (int) (v >> 8 & 0xFF), (int) (v & 0xFF));
    }

    Bytes f64(double d) {
        long bits = Double.doubleToLongBits(d);
        u32(bits >>> 32);
        return u32(bits & 0xFFFFFFFFL);
    }

    Bytes raw(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** An AMF0 key: u16 length then UTF-8. */
    Bytes key(String s) {
        u16(s.getBytes(StandardCharsets.UTF_8).length);
        return raw(s);
    }

    Bytes amf0String(String s) {
        return u8(0x02).key(s);
    }

    Bytes amf0Number(double d) {
        return u8(0x00).f64(d);
    }

    Bytes amf0Bool(boolean b) {
        return u8(0x01, b ? 1 : 0);
    }

    Bytes objectEnd() {
        return u8(0x00, 0x00, 0x09);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
