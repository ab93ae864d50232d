package org.fluvia.edge.internal;

import org.fluvia.media.api.StreamKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OriginTest {

    @Test
    void parsesHostPortHostAndBracketedIpv6() {
        assertEquals(new Origin("a.example", 1945), Origin.parse(" a.example:1945 "));
        assertEquals(new Origin("10.0.0.1", 1935), Origin.parse("10.0.0.1"));
        assertEquals(new Origin("::1", 1946), Origin.parse("[::1]:1946"));
    }

    @Test
    void rejectsWhatIsNoOrigin() {
        for (String bad : new String[]{"", "a:0", "a:99999", "a:x", "::1", "[::1", "a b:1", "rtmp://a/b"}) {
            assertThrows(IllegalArgumentException.class, () -> Origin.parse(bad), bad);
        }
    }

    @Test
    void urlCarriesTheVhostOnlyWhenNotDefault() {
        Origin o = Origin.parse("origin:1945");
        assertEquals("rtmp://10.0.0.2:1945/live/cam", o.url("10.0.0.2", StreamKey.of("live", "cam")));
        assertEquals("rtmp://[::1]:1945/live/cam?vhost=v.example", o.url("::1", new StreamKey("v.example", "live", "cam")));
    }
}
