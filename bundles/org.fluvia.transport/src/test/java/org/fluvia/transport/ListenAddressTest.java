package org.fluvia.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.*;

class ListenAddressTest {

    @Test
    void parsesSrsListenValues() {
        assertEquals(new InetSocketAddress(8080), ListenAddress.parse("8080"));
        assertEquals(new InetSocketAddress(8080), ListenAddress.parse("0.0.0.0:8080"));
        assertEquals(new InetSocketAddress("127.0.0.1", 8081), ListenAddress.parse(" 127.0.0.1:8081 "));
        assertEquals(new InetSocketAddress("::1", 8082), ListenAddress.parse("[::1]:8082"));
    }

    @Test
    void badValuesNameWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("http")).getMessage().contains("'http'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("70000")).getMessage().contains("1..65535"));
    }
}
