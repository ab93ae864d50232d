package org.fluvia.http.server.internal;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestPathTest {

    @Test
    void decodesAndNormalizesPaths() throws Exception {
        assertEquals("/live/a b.flv", RequestPath.decode("/live/a%20b.flv"));
        assertEquals("/live/cam.flv", RequestPath.decode("//live/./cam.flv"));
        assertEquals("/live/", RequestPath.decode("/live//"));
        assertEquals("/", RequestPath.decode("/"));
        assertEquals("/é", RequestPath.decode("/%C3%A9"));
        assertEquals("/a+b", RequestPath.decode("/a+b"), "'+' is a plus in a path");
        assertEquals("/...", RequestPath.decode("/..."));
    }

    @Test
    void refusesTraversalAndEncodedSeparatorsWith403() {
        for (String raw : new String[]{"/..", "/../x", "/a/%2e%2e/x", "/a%2fb", "/a%5Cb", "/a\\b", "/a%00"}) {
            RequestPath.Rejected e = assertThrows(RequestPath.Rejected.class, () -> RequestPath.decode(raw), raw);
            assertEquals(HttpResponseStatus.FORBIDDEN, e.status, raw);
        }
    }

    @Test
    void refusesMalformedEscapesWith400() {
        for (String raw : new String[]{"/%", "/%4", "/%zz", "/%C3", "/%FF"}) {
            RequestPath.Rejected e = assertThrows(RequestPath.Rejected.class, () -> RequestPath.decode(raw), raw);
            assertEquals(HttpResponseStatus.BAD_REQUEST, e.status, raw);
        }
    }

    @Test
    void splitsOriginAndAbsoluteFormTargets() throws Exception {
        assertEquals(new RequestPath.Target("/a/b", "x=1"), RequestPath.split("/a/b?x=1#frag"));
        assertEquals(new RequestPath.Target("/a", null), RequestPath.split("http://host:8080/a"));
        assertEquals(new RequestPath.Target("/", "q"), RequestPath.split("http://host?q"));
        assertThrows(RequestPath.Rejected.class, () -> RequestPath.split("a/b"));
    }

    @Test
    void parsesTheThreeSingleRangeForms() {
        assertArrayEquals(new long[]{0, 9}, StaticFiles.parseRange("bytes=0-9", 100));
        assertArrayEquals(new long[]{90, 99}, StaticFiles.parseRange("bytes=90-", 100));
        assertArrayEquals(new long[]{95, 99}, StaticFiles.parseRange("bytes=-5", 100));
        assertArrayEquals(new long[]{0, 99}, StaticFiles.parseRange("bytes=-500", 100));
        assertArrayEquals(new long[]{50, 99}, StaticFiles.parseRange("bytes=50-1000", 100));
        assertEquals(0, StaticFiles.parseRange("bytes=100-", 100).length, "unsatisfiable");
        assertEquals(0, StaticFiles.parseRange("bytes=-0", 100).length, "unsatisfiable");
        assertNull(StaticFiles.parseRange("bytes=9-0", 100));
        assertNull(StaticFiles.parseRange("bytes=a-b", 100));
        assertNull(StaticFiles.parseRange("items=0-1", 100));
        assertNull(StaticFiles.parseRange("bytes=0-1,3-4", 100));
        assertNull(StaticFiles.parseRange("bytes=99999999999999999999-", 100));
    }
}
