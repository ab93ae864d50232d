package org.fluvia.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void refusesTargetsOffLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse("--host", "10.1.2.3", "--rtmp-players", "1"));
        assertTrue(e.getMessage().contains("127.x.x.x"), e.getMessage());
        LoadOptions.parse("--host", "127.0.0.2", "--rtmp-players", "1");
    }

    @Test
    void capsClientsAndRunTime() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rtmp-players", "4000", "--flv-players", "1001"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse("--rtmp-players", "10", "--duration", "599"));
        assertTrue(e.getMessage().contains("600"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rtmp-players", "10", "--ramp", "0"));
    }

    @Test
    void publishersNeedAFileAndSpreadPlayersOverTheirStreams() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--publishers", "1"));
        LoadOptions o = LoadOptions.parse("--rtmp-players", "3", "--stream", "s");
        assertEquals("s", o.streamName(2));
        assertEquals(0, o.streamIndex(2));
    }

    @Test
    void publishersSendToTheRtmpPortUnlessAPublishPortIsGiven() {
        assertEquals(1936, LoadOptions.parse("--rtmp-players", "1", "--rtmp-port", "1936").publishPort());
        LoadOptions edge = LoadOptions.parse("--rtmp-players", "1", "--rtmp-port", "1936", "--publish-port", "1940");
        assertEquals(1936, edge.rtmpPort());
        assertEquals(1940, edge.publishPort());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--rtmp-players", "1", "--publish-port", "0"));
    }
}
