package org.fluvia.codec.amf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectCommandTest {

    /** Offsets where one value of the body ends: "connect", transaction id, command object. */
    private static final Set<Integer> VALUE_BOUNDARIES = Set.of(10, 19);

    /** An RTMP "connect" command message body (RTMP spec 7.2.1.1), built byte by byte. */
    static byte[] connectBody() {
        return new Bytes()
                .amf0String("connect")
                .amf0Number(1.0)
                .u8(0x03)
                .key("app").amf0String("live")
                .key("flashVer").amf0String("FMLE/3.0 (compatible; FMSc/1.0)")
                .key("tcUrl").amf0String("rtmp://localhost:1935/live")
                .key("fpad").amf0Bool(false)
                .key("capabilities").amf0Number(239.0)
                .key("audioCodecs").amf0Number(3575.0)
                .key("videoCodecs").amf0Number(252.0)
                .key("objectEncoding").amf0Number(0.0)
                .objectEnd()
                .bytes();
    }

    @Test
    void connectBodyDecodesToNameTransactionIdAndCommandObject() throws AmfException {
        ByteBuf in = Unpooled.wrappedBuffer(connectBody());
        try {
            List<Object> values = Amf0.readAll(in);
            assertEquals(3, values.size());
            assertEquals("connect", values.get(0));
            assertEquals(1.0, values.get(1));
            AmfObject command = assertInstanceOf(AmfObject.class, values.get(2));
            assertEquals(List.of("app", "flashVer", "tcUrl", "fpad", "capabilities", "audioCodecs", "videoCodecs",
                    "objectEncoding"), List.copyOf(command.keySet()));
            assertEquals("live", command.get("app"));
            assertEquals("rtmp://localhost:1935/live", command.get("tcUrl"));
            assertEquals(false, command.get("fpad"));
            assertEquals(3575.0, command.get("audioCodecs"));
            assertEquals(0.0, command.get("objectEncoding"));
            assertEquals(0, in.readableBytes());
        } finally {
            in.release();
        }
    }

    @Test
    void connectBodyEncodesToTheSameBytes() {
        AmfObject command = AmfObject.of("app", "live", "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)",
                "tcUrl", "rtmp://localhost:1935/live", "fpad", false, "capabilities", 239,
                "audioCodecs", 3575, "videoCodecs", 252, "objectEncoding", 0);
        ByteBuf out = Unpooled.buffer();
        try {
            Amf0.write(out, "connect");
            Amf0.write(out, 1);
            Amf0.write(out, command);
            assertArrayEquals(connectBody(), ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    @Test
    void connectBodyCutAnywhereButAValueBoundaryIsAnAmfException() {
        byte[] body = connectBody();
        for (int length = 1; length < body.length; length++) {
            if (VALUE_BOUNDARIES.contains(length)) {
                continue;
            }
            ByteBuf in = Unpooled.wrappedBuffer(body, 0, length);
            try {
                assertThrows(AmfException.class, () -> Amf0.readAll(in), "prefix of length " + length);
                assertEquals(0, in.readerIndex());
            } finally {
                in.release();
            }
        }
    }
}
