package org.fluvia.forward.internal;

import org.fluvia.media.api.StreamKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ForwarderConfigTest {

    @Test
    void destinationsTakeTheRtmpPortWhenNoneIsGivenAndSkipWhatIsNoDestination() {
        assertEquals(List.of("a:1935", "b:1946", "c:1947", "[::1]:1935", "[::1]:1950", "d:1935"),
                Forwarder.parseDestinations(new String[]{"a", "b:1946", "rtmp://c:1947", "[::1]", "[::1]:1950", "d e:x, d:1935", " ", "f:70000"}));
    }

    @Test
    void pushUrlNamesTheVhostOnlyWhenItIsNotTheDefault() {
        assertEquals("rtmp://a:1935/live/s", Forwarder.url(StreamKey.of("live", "s"), "a:1935"));
        assertEquals("rtmp://a:1935/app/sub/s?vhost=v.example", Forwarder.url(new StreamKey("v.example", "app/sub", "s"), "a:1935"));
    }
}
