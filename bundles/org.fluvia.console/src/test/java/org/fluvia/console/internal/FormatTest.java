package org.fluvia.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void htmlEscapesMarkupAndQuotes() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
                Format.html("<script>alert(\"x\")</script> & 'y'"));
        assertEquals("null", Format.html(null));
    }

    @Test
    void endpointsAreSplitOnCommasSemicolonsAndWhitespace() {
        assertEquals(List.of("127.0.0.1:1936", "b:1937", "c"), Format.endpoints(" 127.0.0.1:1936, b:1937;\n c "));
        assertEquals(List.of(), Format.endpoints("  "));
        assertEquals(List.of(), Format.endpoints(null));
    }

    @Test
    void configurationValuesBecomeLists() {
        assertEquals(List.of("a", "b"), Format.strings(new String[] {"a", "b"}));
        assertEquals(List.of("a"), Format.strings("a"));
        assertEquals(List.of("a", "b"), Format.strings(List.of("a", "b")));
        assertEquals(List.of(), Format.strings(null));
    }

    @Test
    void tablesAlignColumns() {
        String nl = System.lineSeparator();
        assertEquals("ID  NAME" + nl + "12  x" + nl, Format.table(List.of(new String[] {"ID", "NAME"}, new String[] {"12", "x"})));
    }
}
