package org.fluvia.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfEcmaArray;
import org.junit.jupiter.api.Test;

class ScriptDataTest {
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    private static ByteBuf amf0(Object... values) {
        ByteBuf out = Unpooled.buffer();
        for (Object v : values) {
            Amf0.write(out, v);
        }
        return out;
    }

    @Test
    void onMetaDataIsNameThenEcmaArrayAndReadsBack() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("width", 640.0);
        props.put("videocodecid", 7.0);
        ByteBuf body = ScriptData.onMetaData(alloc, props);
        try {
            assertEquals("02" + "000a" + ByteBufUtil.hexDump("onMetaData".getBytes()) + "08" + "00000002",
                    ByteBufUtil.hexDump(body, 0, 18));
            assertEquals("onMetaData", ScriptData.name(body));
            Map<String, Object> back = ScriptData.readMetaData(body);
            assertInstanceOf(AmfEcmaArray.class, back);
            assertEquals(props, back);
            assertEquals(List.of("width", "videocodecid"), List.copyOf(back.keySet()));
            assertEquals(0, body.readerIndex(), "reading does not consume");
        } finally {
            body.release();
        }
    }

    @Test
    void stripSetDataFrameReturnsRetainedSliceAfterIt() {
        ByteBuf body = amf0("@setDataFrame", "onMetaData", new AmfEcmaArray(Map.of("fps", 25.0)));
        ByteBuf stripped = ScriptData.stripSetDataFrame(body);
        try {
            assertEquals(2, body.refCnt(), "the slice holds its own reference");
            assertEquals("onMetaData", ScriptData.name(stripped));
            assertEquals(Map.of("fps", 25.0), ScriptData.readMetaData(stripped));
            assertEquals(Map.of("fps", 25.0), ScriptData.readMetaData(body), "the wrapper is skipped when reading");
            assertEquals(body.readableBytes() - 16, stripped.readableBytes());
            assertEquals(0, body.readerIndex());
        } finally {
            stripped.release();
            assertEquals(1, body.refCnt());
            body.release();
        }
    }

    @Test
    void stripSetDataFrameWithoutWrapperReturnsRetainedDuplicate() {
        ByteBuf body = amf0("onMetaData", new AmfEcmaArray());
        ByteBuf same = ScriptData.stripSetDataFrame(body);
        try {
            assertEquals(body, same);
            assertEquals(2, body.refCnt());
        } finally {
            same.release();
            body.release();
        }
    }

    @Test
    void nameIsNullWhenTheBodyDoesNotStartWithAString() {
        ByteBuf number = amf0(1.0);
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {0x02, 0x00, 0x05, 'a'});
        ByteBuf empty = Unpooled.EMPTY_BUFFER;
        try {
            assertNull(ScriptData.name(number));
            assertNull(ScriptData.name(garbage));
            assertNull(ScriptData.name(empty));
        } finally {
            number.release();
            garbage.release();
        }
    }

    @Test
    void readMetaDataIsEmptyForOtherScriptsAndFailsOnBrokenAmf() {
        ByteBuf other = amf0("onCuePoint", new AmfEcmaArray(Map.of("a", 1.0)));
        ByteBuf nameOnly = amf0("onMetaData");
        ByteBuf broken = amf0("onMetaData");
        broken.writeByte(0x08).writeInt(1).writeShort(5);
        try {
            assertTrue(ScriptData.readMetaData(other).isEmpty());
            assertTrue(ScriptData.readMetaData(nameOnly).isEmpty());
            assertThrows(FlvFormatException.class, () -> ScriptData.readMetaData(broken));
        } finally {
            other.release();
            nameOnly.release();
            broken.release();
        }
    }

    @Test
    void realFileMetadataIsRead() {
        byte[] script = Fixtures.firstBody("v720.flv", t -> t.type() == FlvTags.SCRIPT);
        ByteBuf body = Unpooled.wrappedBuffer(script);
        try {
            Map<String, Object> meta = ScriptData.readMetaData(body);
            assertEquals(1280.0, meta.get("width"));
            assertEquals(720.0, meta.get("height"));
            assertEquals(7.0, meta.get("videocodecid"));
        } finally {
            body.release();
        }
    }
}
