package org.fluvia.codec.amf;

import static org.fluvia.codec.amf.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.params.provider.ValueSource;

class Amf3Test {

    private static Object read(String hexVector) throws AmfException {
        ByteBuf in = Unpooled.wrappedBuffer(hex(hexVector));
        try {
            Object value = Amf3.read(in);
            assertEquals(0, in.readableBytes(), "whole vector consumed");
            return value;
        } finally {
            in.release();
        }
    }

    private static String write(Object value) {
        ByteBuf out = Unpooled.buffer();
        try {
            Amf3.write(out, value);
            return Bytes.hex(out);
        } finally {
            out.release();
        }
    }

    @Test
    void singleByteValues() throws AmfException {
        assertSame(Amf0.UNDEFINED, read("00"));
        assertNull(read("01"));
        assertEquals(false, read("02"));
        assertEquals(true, read("03"));
        assertEquals("00", write(Amf0.UNDEFINED));
        assertEquals("01", write(null));
        assertEquals("02", write(false));
        assertEquals("03", write(true));
    }

    @Test
    void integersUseU29WithSignExtension() throws AmfException {
        assertEquals(0, read("04 00"));
        assertEquals(127, read("04 7F"));
        assertEquals(128, read("04 81 00"));
        assertEquals(16383, read("04 FF 7F"));
        assertEquals(16384, read("04 81 80 00"));
        assertEquals(0x200000, read("04 80 C0 80 00"));
        assertEquals(Amf3.INT_MAX, read("04 BF FF FF FF"));
        assertEquals(Amf3.INT_MIN, read("04 C0 80 80 00"));
        assertEquals(-1, read("04 FF FF FF FF"));
        assertEquals("0481 00".replace(" ", ""), write(128));
        assertEquals("04ffffffff", write(-1));
        assertEquals("04c0808000", write(Amf3.INT_MIN));
    }

    @Test
    void integersOutsideTwentyNineBitsAreWrittenAsDoubles() throws AmfException {
        assertEquals("0541b0000000000000", write(1 << 28));
        assertEquals("053ff8000000000000", write(1.5));
        assertEquals((double) (1 << 28), read("05 41B0000000000000"));
    }

    @Test
    void stringReferencesPointIntoTheStringTable() throws AmfException {
        assertEquals("abc", read("06 07 616263"));
        // Dense array ["abc", "abc"]: the second is reference 0; the empty string never enters the table.
        assertEquals(List.of("abc", "abc"), read("09 05 01 06 07 616263 06 00"));
        assertThrows(AmfException.class, () -> read("06 00"));
        assertEquals("0607616263", write("abc"));
    }

    @Test
    void anonymousDynamicObject() throws AmfException {
        AmfObject object = assertInstanceOf(AmfObject.class, read("0A 0B 01 03 61 04 01 01"));
        assertNull(object.className());
        assertEquals(Map.of("a", 1), object);
        assertEquals("0a0b01036104010 1".replace(" ", ""), write(AmfObject.of("a", 1)));
    }

    @Test
    void sealedTypedObjectAndTraitsReference() throws AmfException {
        // [Foo{x:1}, Foo{x:2}] where the second object refers to the first one's traits (index 0).
        List<?> list = assertInstanceOf(List.class, read("09 05 01 0A 13 07 466F6F 03 78 04 01  0A 01 04 02"));
        AmfObject first = (AmfObject) list.get(0);
        AmfObject second = (AmfObject) list.get(1);
        assertEquals("Foo", first.className());
        assertEquals("Foo", second.className());
        assertEquals(Map.of("x", 1), first);
        assertEquals(Map.of("x", 2), second);
    }

    @Test
    void sealedAndDynamicMembersTogether() throws AmfException {
        AmfObject object = (AmfObject) read("0A 1B 07 466F6F 03 78  04 01 03 79 04 02 01");
        assertEquals(List.of("x", "y"), List.copyOf(object.keySet()));
        assertEquals(Map.of("x", 1, "y", 2), object);
    }

    @Test
    void objectReferenceReturnsTheSameInstance() throws AmfException {
        // Object table: [0] the outer array, [1] the object; 0A 02 is object reference 1.
        List<?> list = (List<?>) read("09 05 01 0A 0B 01 01 0A 02");
        assertSame(list.get(0), list.get(1));
        assertThrows(AmfException.class, () -> read("0A 02"));
    }

    @Test
    void externalizableObjectsAreRejected() {
        AmfException e = assertThrows(AmfException.class, () -> read("0A 07 07 466F6F"));
        assertTrue(e.getMessage().contains("externalizable"), e.getMessage());
    }

    @Test
    void arrayWithAssociativePartBecomesEcmaArray() throws AmfException {
        AmfEcmaArray array = assertInstanceOf(AmfEcmaArray.class, read("09 03 03 61 04 01 01 04 02"));
        assertEquals(List.of("a", "0"), List.copyOf(array.keySet()));
        assertEquals(Map.of("a", 1, "0", 2), array);
        AmfEcmaArray written = new AmfEcmaArray();
        written.put("a", 1);
        assertEquals("090103610401" + "01", write(written));
    }

    @Test
    void denseArrayBecomesList() throws AmfException {
        assertEquals(Arrays.asList(1, null), read("09 05 01 04 01 01"));
        assertEquals("0905010401" + "01", write(Arrays.asList(1, null)));
        assertEquals("0905010401" + "01", write(new Object[] {1, null}));
    }

    @Test
    void byteArrayDateAndXml() throws AmfException {
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) read("0C 07 010203"));
        assertEquals("0c07010203", write(new byte[] {1, 2, 3}));
        assertEquals(new AmfDate(1000, (short) 0), read("08 01 408F400000000000"));
        assertEquals("0801408f400000000000", write(new AmfDate(1000, (short) 0)));
        assertEquals(new AmfXmlDocument("<a/>"), read("07 09 3C612F3E"));
        assertEquals(new AmfXmlDocument("<a/>"), read("0B 09 3C612F3E"));
        assertEquals("07093c612f3e", write(new AmfXmlDocument("<a/>")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0D", "0E", "0F", "10", "11", "12", "FF"})
    void vectorsDictionaryAndUnknownMarkersAreRejected(String marker) {
        AmfException e = assertThrows(AmfException.class, () -> read(marker + " 01"));
        assertTrue(e.getMessage().contains("offset 0"), e.getMessage());
    }

    static Stream<String> vectors() {
        return Stream.of("04 C0 80 80 00", "05 41B0000000000000", "06 07 616263", "09 05 01 06 07 616263 06 00",
                "0A 0B 01 03 61 04 01 01", "09 05 01 0A 13 07 466F6F 03 78 04 01  0A 01 04 02",
                "09 03 03 61 04 01 01 04 02", "0C 07 010203", "08 01 408F400000000000", "07 09 3C612F3E");
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void everyTruncationIsAnAmfException(String vector) {
        byte[] bytes = hex(vector);
        for (int length = 0; length < bytes.length; length++) {
            ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, length);
            try {
                assertThrows(AmfException.class, () -> Amf3.read(in), vector + " cut at " + length);
                assertEquals(0, in.readerIndex());
            } finally {
                in.release();
            }
        }
    }

    @Test
    void deepNestingIsRejected() {
        String nested = "09 03 01 ".repeat(100) + "01";
        AmfException e = assertThrows(AmfException.class, () -> read(nested));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }

    @Test
    void nestingInsideAmf0CountsTowardsTheSameLimit() {
        Bytes amf0 = new Bytes();
        for (int i = 0; i < 40; i++) {
            amf0.u8(0x0A).u32(1);
        }
        // 40 AMF0 strict arrays, then an AMF3 value holding 40 nested dense arrays: 80 levels in all.
        amf0.u8(0x11);
        for (byte b : hex("09 03 01 ".repeat(40) + "01")) {
            amf0.u8(b & 0xFF);
        }
        ByteBuf in = Unpooled.wrappedBuffer(amf0.bytes());
        try {
            AmfException e = assertThrows(AmfException.class, () -> Amf0.read(in));
            assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        } finally {
            in.release();
        }
    }

    @Test
    void hugeCountsFailWithoutAllocating() {
        assertThrows(AmfException.class, () -> read("09 FF FF FF FF 01"));
        assertThrows(AmfException.class, () -> read("0C FF FF FF FF"));
        assertThrows(AmfException.class, () -> read("0A FF FF FF F3 01"));
    }

    @Test
    void roundTripPreservesTypesAndOrder() throws AmfException {
        AmfObject typed = new AmfObject("org.Foo");
        typed.put("n", 7);
        typed.put("d", 0.25);
        typed.put("list", Arrays.asList("a", "a", null, Amf0.UNDEFINED, true));
        AmfEcmaArray assoc = new AmfEcmaArray();
        assoc.put("k", "v");
        typed.put("assoc", assoc);
        typed.put("bytes", List.of());
        typed.put("date", new AmfDate(5, (short) 0));
        typed.put("plain", Map.of("x", -3));
        ByteBuf out = Unpooled.buffer();
        try {
            Amf3.write(out, typed);
            AmfObject back = assertInstanceOf(AmfObject.class, Amf3.read(out));
            assertEquals(typed, back);
            assertEquals("org.Foo", back.className());
            assertEquals(0, out.readableBytes());
        } finally {
            out.release();
        }
    }
}
