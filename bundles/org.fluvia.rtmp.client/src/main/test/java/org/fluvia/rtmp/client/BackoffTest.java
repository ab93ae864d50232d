package org.fluvia.rtmp.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class BackoffTest {

    @Test
    void delaysDoubleUpToTheMaximumAndStartOverAfterSuccess() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertEquals(500, b.nextDelayMillis());
        assertEquals(1000, b.nextDelayMillis());
        assertEquals(2000, b.nextDelayMillis());
        assertEquals(3000, b.nextDelayMillis());
        assertEquals(3000, b.nextDelayMillis());
        assertEquals(5, b.failures());
        b.succeeded();
        assertEquals(0, b.failures());
        assertEquals(500, b.nextDelayMillis());
    }

    @Test
    void rejectsNonsensicalBounds() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
