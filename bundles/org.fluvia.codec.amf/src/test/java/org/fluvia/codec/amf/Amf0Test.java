package org.fluvia.codec.amf;

import static org.fluvia.codec.amf.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Amf0Test {

    private static Object read(byte[] bytes) throws AmfException {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            Object value = Amf0.read(in);
            assertEquals(0, in.readableBytes(), "whole vector consumed");
            return value;
        } finally {
            in.release();
        }
    }

    private static String write(Object value) {
        ByteBuf out = Unpooled.buffer();
        try {
            Amf0.write(out, value);
            return hex(out);
        } finally {
            out.release();
        }
    }

    @Test
    void numberDecodesToDoubleAndAnyNumberEncodesAsDouble() throws AmfException {
        assertEquals(1.0, read(hex("00 3FF0000000000000")));
        assertEquals(-2.5, read(hex("00 C004000000000000")));
        assertEquals("003ff0000000000000", write(1));
        assertEquals("003ff0000000000000", write(1L));
        assertEquals("00c004000000000000", write(-2.5f));
    }

    @Test
    void booleanDecodesAnyNonZeroAsTrue() throws AmfException {
        assertEquals(true, read(hex("01 01")));
        assertEquals(true, read(hex("01 7F")));
        assertEquals(false, read(hex("01 00")));
        assertEquals("0101", write(true));
        assertEquals("0100", write(false));
    }

    @Test
    void stringIsLengthPrefixedUtf8() throws AmfException {
        assertEquals("app", read(hex("02 0003 617070")));
        assertEquals("", read(hex("02 0000")));
        assertEquals("é", read(hex("02 0002 C3A9")));
        assertEquals("020002c3a9", write("é"));
    }

    @Test
    void longStringIsReadAndWrittenAbove65535Utf8Bytes() throws AmfException {
        assertEquals("hi", read(hex("0C 00000002 6869")));
        String exact = "a".repeat(65535);
        assertTrue(write(exact).startsWith("02ffff"));
        String longer = "a".repeat(65536);
        ByteBuf out = Unpooled.buffer();
        try {
            Amf0.write(out, longer);
            assertEquals(0x0C, out.getByte(0));
            assertEquals(65536, out.getInt(1));
            assertEquals(longer, Amf0.read(out));
        } finally {
            out.release();
        }
        // "é" is two UTF-8 bytes: 40000 of them need a long string although there are fewer than 65536 chars.
        assertTrue(write("é".repeat(40000)).startsWith("0c00013880"));
    }

    @Test
    void objectKeepsPropertyOrderAndEndsWithObjectEndMarker() throws AmfException {
        byte[] vector = new Bytes().u8(0x03).key("b").amf0Number(1).key("a").amf0String("x").objectEnd().bytes();
        Object value = read(vector);
        AmfObject object = assertInstanceOf(AmfObject.class, value);
        assertNull(object.className());
        assertEquals(List.of("b", "a"), List.copyOf(object.keySet()));
        assertEquals(AmfObject.of("b", 1.0, "a", "x"), object);
        assertEquals(Bytes.hex(Unpooled.wrappedBuffer(vector)), write(AmfObject.of("b", 1.0, "a", "x")));
    }

    @Test
    void nullAndUndefinedAreSingleMarkers() throws AmfException {
        assertNull(read(hex("05")));
        assertSame(Amf0.UNDEFINED, read(hex("06")));
        assertEquals("05", write(null));
        assertEquals("06", write(Amf0.UNDEFINED));
    }

    @Test
    void ecmaArrayTreatsCountAsHintAndStopsAtEndMarker() throws AmfException {
        byte[] countZero = new Bytes().u8(0x08).u32(0).key("k").amf0String("v").objectEnd().bytes();
        AmfEcmaArray array = assertInstanceOf(AmfEcmaArray.class, read(countZero));
        assertEquals(Map.of("k", "v"), array);
        AmfEcmaArray written = new AmfEcmaArray();
        written.put("k", "v");
        assertEquals("0800000001" + "00016b" + "020001" + "76" + "000009", write(written));
    }

    @Test
    void strictArrayDecodesToListAndObjectArrayEncodesLikeList() throws AmfException {
        byte[] vector = new Bytes().u8(0x0A).u32(2).amf0Number(1).u8(0x05).bytes();
        assertEquals(Arrays.asList(1.0, null), read(vector));
        String hexVector = Bytes.hex(Unpooled.wrappedBuffer(vector));
        assertEquals(hexVector, write(Arrays.asList(1.0, null)));
        assertEquals(hexVector, write(new Object[] {1.0, null}));
    }

    @Test
    void dateCarriesMillisAndTimezone() throws AmfException {
        byte[] vector = new Bytes().u8(0x0B).f64(1.7e12).u16(0xFFC4).bytes();
        assertEquals(new AmfDate(1.7e12, (short) -60), read(vector));
        assertEquals(Bytes.hex(Unpooled.wrappedBuffer(vector)), write(new AmfDate(1.7e12, (short) -60)));
    }

    @Test
    void objectEndMarkerOutsideAnObjectIsRejected() {
        AmfException e = assertThrows(AmfException.class, () -> read(hex("09")));
        assertTrue(e.getMessage().contains("object-end"), e.getMessage());
    }

    @Test
    void emptyKeyNotFollowedByObjectEndIsRejected() {
        assertThrows(AmfException.class, () -> read(hex("03 0000 05")));
    }

    @Test
    void referenceResolvesToTheSameEarlierObject() throws AmfException {
        // Table: [0] the strict array, [1] the inner object; 07 0001 points to the object.
        byte[] vector = new Bytes().u8(0x0A).u32(2).u8(0x03).key("x").amf0Number(1).objectEnd().u8(0x07).u16(1).bytes();
        List<?> list = assertInstanceOf(List.class, read(vector));
        assertEquals(Map.of("x", 1.0), list.get(0));
        assertSame(list.get(0), list.get(1));
    }

    @Test
    void referencePastTheTableIsRejected() {
        AmfException e = assertThrows(AmfException.class, () -> read(hex("07 0000")));
        assertTrue(e.getMessage().contains("reference 0"), e.getMessage());
    }

    @Test
    void typedObjectKeepsItsClassName() throws AmfException {
        byte[] vector = new Bytes().u8(0x10).key("Foo").key("a").u8(0x05).objectEnd().bytes();
        AmfObject object = assertInstanceOf(AmfObject.class, read(vector));
        assertEquals("Foo", object.className());
        assertEquals(1, object.size());
        assertNull(object.get("a"));
        AmfObject typed = new AmfObject("Foo");
        typed.put("a", null);
        assertEquals(Bytes.hex(Unpooled.wrappedBuffer(vector)), write(typed));
    }

    @Test
    void xmlDocumentIsLongStringEncoded() throws AmfException {
        assertEquals(new AmfXmlDocument("<a/>"), read(hex("0F 00000004 3C612F3E")));
        assertEquals("0f000000043c612f3e", write(new AmfXmlDocument("<a/>")));
    }

    @Test
    void avmPlusMarkerSwitchesToAmf3ForOneValue() throws AmfException {
        ByteBuf in = Unpooled.wrappedBuffer(hex("11 04 05  00 3FF0000000000000"));
        try {
            assertEquals(List.of(5, 1.0), Amf0.readAll(in));
        } finally {
            in.release();
        }
    }

    @Test
    void unsupportedAndUnknownMarkersAreRejectedWithOffset() {
        for (String marker : List.of("04", "0D", "0E", "12", "FF")) {
            AmfException e = assertThrows(AmfException.class, () -> read(hex(marker)), marker);
            assertTrue(e.getMessage().contains("offset 0"), e.getMessage());
        }
    }

    static Stream<byte[]> vectors() {
        return Stream.of(
                hex("00 3FF0000000000000"),
                hex("01 01"),
                hex("02 0003 617070"),
                hex("0C 00000002 6869"),
                new Bytes().u8(0x03).key("b").amf0Number(1).key("a").amf0String("x").objectEnd().bytes(),
                new Bytes().u8(0x08).u32(1).key("k").amf0String("v").objectEnd().bytes(),
                new Bytes().u8(0x0A).u32(2).amf0Number(1).u8(0x05).bytes(),
                new Bytes().u8(0x0B).f64(1.7e12).u16(0).bytes(),
                new Bytes().u8(0x0A).u32(2).u8(0x03).key("x").amf0Number(1).objectEnd().u8(0x07).u16(1).bytes(),
                new Bytes().u8(0x10).key("Foo").key("a").u8(0x05).objectEnd().bytes(),
                hex("0F 00000004 3C612F3E"),
                hex("11 0A 0B 01 03 61 04 01 01"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void everyTruncationIsAnAmfExceptionAndLeavesReaderIndexAlone(byte[] vector) throws AmfException {
        ByteBuf whole = Unpooled.wrappedBuffer(vector);
        try {
            Amf0.read(whole);
        } finally {
            whole.release();
        }
        for (int length = 0; length < vector.length; length++) {
            ByteBuf in = Unpooled.wrappedBuffer(vector, 0, length);
            try {
                assertThrows(AmfException.class, () -> Amf0.read(in), "prefix of length " + length);
                assertEquals(0, in.readerIndex());
            } finally {
                in.release();
            }
        }
    }

    @Test
    void deepNestingIsRejected() {
        Bytes nested = new Bytes();
        for (int i = 0; i < 100; i++) {
            nested.u8(0x0A).u32(1);
        }
        nested.u8(0x05);
        AmfException e = assertThrows(AmfException.class, () -> read(nested.bytes()));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }

    @Test
    void nestingUpToTheLimitIsAccepted() throws AmfException {
        Bytes nested = new Bytes();
        for (int i = 0; i < 64; i++) {
            nested.u8(0x0A).u32(1);
        }
        nested.u8(0x05);
        assertInstanceOf(List.class, read(nested.bytes()));
    }

    @Test
    void hugeStrictArrayCountFailsWithoutAllocating() {
        AmfException e = assertThrows(AmfException.class, () -> read(hex("0A FFFFFFFF 05")));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void writingACycleFailsInsteadOfOverflowingTheStack() {
        AmfObject cyclic = new AmfObject();
        cyclic.put("self", List.of(cyclic));
        ByteBuf out = Unpooled.buffer();
        try {
            assertThrows(IllegalArgumentException.class, () -> Amf0.write(out, cyclic));
        } finally {
            out.release();
        }
    }

    @Test
    void unsupportedJavaTypeIsRejectedOnWrite() {
        ByteBuf out = Unpooled.buffer();
        try {
            assertThrows(IllegalArgumentException.class, () -> Amf0.write(out, new Object()));
        } finally {
            out.release();
        }
    }

    @Test
    void roundTripPreservesNestedStructure() throws AmfException {
        AmfEcmaArray meta = new AmfEcmaArray();
        meta.put("width", 1280.0);
        meta.put("encoder", "Lavf");
        AmfObject typed = new AmfObject("flex.Msg");
        typed.put("body", Arrays.asList("a", null, Amf0.UNDEFINED, false));
        AmfObject value = AmfObject.of("meta", meta, "typed", typed, "date", new AmfDate(0, (short) 0),
                "xml", new AmfXmlDocument("<x/>"), "n", -0.5);
        ByteBuf out = Unpooled.buffer();
        try {
            Amf0.write(out, value);
            Amf0.write(out, "tail");
            List<Object> back = Amf0.readAll(out);
            assertEquals(List.of(value, "tail"), back);
            AmfObject decoded = (AmfObject) back.get(0);
            assertEquals("flex.Msg", ((AmfObject) decoded.get("typed")).className());
            assertInstanceOf(AmfEcmaArray.class, decoded.get("meta"));
        } finally {
            out.release();
        }
    }

    @Test
    void objectsWithDifferentClassNamesAreNotEqual() {
        AmfObject a = new AmfObject("A");
        AmfObject b = new AmfObject("B");
        assertTrue(!a.equals(b));
        assertEquals(new AmfObject("A"), a);
    }

    @Test
    void ofRejectsOddArgumentsAndNonStringKeys() {
        assertThrows(IllegalArgumentException.class, () -> AmfObject.of("a"));
        assertThrows(IllegalArgumentException.class, () -> AmfObject.of(1, "a"));
    }
}
