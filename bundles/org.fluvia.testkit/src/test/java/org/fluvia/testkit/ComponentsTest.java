package org.fluvia.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComponentsTest {

    @interface Config {
        int port() default 1935;

        String name();
    }

    static class Base {
        Object injected;

        private void activate(Config c) {
            if (c.port() <= 0) {
                throw new IllegalArgumentException("port " + c.port());
            }
            name = c.name();
        }

        String name;
    }

    static class Component extends Base {
        private void fail() throws IOException {
            throw new IOException("boom");
        }
    }

    @Test
    void configReturnsValuesThenDefaultsAndFailsOnNeither() {
        Config c = Components.config(Config.class, Map.of("name", "a"));
        assertEquals(1935, c.port());
        assertEquals("a", c.name());
        assertEquals(Config.class, c.annotationType());
        assertEquals(7, Components.config(Config.class, Map.of("port", 7)).port());
        assertThrows(IllegalStateException.class, () -> Components.config(Config.class, Map.of()).name());
    }

    @Test
    void callAndSetReachSuperclassesAndActivateBuildsTheNestedConfig() {
        Component c = new Component();
        Object ref = new Object();
        Components.set(c, "injected", ref);
        assertSame(ref, c.injected);
        Components.call(c, "activate", Components.config(Config.class, Map.of("name", "x")));
        assertEquals("x", c.name);
        assertThrows(IllegalArgumentException.class,
                () -> Components.call(c, "activate", Components.config(Config.class, Map.of("port", 0))));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Components.call(c, "fail"));
        assertInstanceOf(IOException.class, e.getCause());
        assertThrows(IllegalArgumentException.class, () -> Components.call(c, "nope"));
        assertThrows(IllegalArgumentException.class, () -> Components.activate(c, Map.of()));
    }

    @Test
    void awaitPollsUntilTheConditionHoldsOrFails() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Await.until("three polls", Duration.ofSeconds(5), () -> polls.incrementAndGet() >= 3);
        assertEquals(3, polls.get());
        assertThrows(AssertionError.class, () -> Await.until("never", Duration.ofMillis(50), () -> false));
        int port = Ports.freePort();
        assertTrue(port > 0 && port < 65536);
    }
}
