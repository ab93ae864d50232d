package org.fluvia.http.server.internal;

import org.fluvia.testkit.Components;
import org.fluvia.testkit.Leaks;
import org.fluvia.testkit.Ports;
import org.fluvia.transport.internal.NettyEventLoops;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpServerLifecycleTest {

    @Test
    void stopAndStartFiveTimesOnOnePortFreesThePortAndConnectionsEachTime() throws Exception {
        int port = Ports.freePort();
        NettyEventLoops loops = new NettyEventLoops();
        Components.call(loops, "activate", Components.config(NettyEventLoops.Config.class, Map.of()));
        try {
            int threadsBefore = -1;
            for (int i = 0; i < 5; i++) {
                HttpServerComponent server = new HttpServerComponent();
                server.loops = loops;
                server.activate(Components.config(HttpServerComponent.Config.class, Map.of("listen", new String[]{"127.0.0.1:" + port})));
                try (RawClient c = new RawClient(port)) {
                    assertEquals(404, c.get("/x").status());
                    server.deactivate();
                    assertTrue(c.closedByServer(), "open keep-alive connection closed by the stop");
                }
                assertPortFree(port);
                if (threadsBefore < 0) {
                    threadsBefore = Thread.activeCount();
                } else {
                    assertTrue(Thread.activeCount() <= threadsBefore + 1, "no threads left behind");
                }
            }
        } finally {
            Components.call(loops, "deactivate");
        }
        Leaks.assertNoLeakReported();
    }

    /**
     * Binds the port as any server would (SO_REUSEADDR). A closed connection's FIN the peer has not
     * acknowledged yet can hold the port for a moment in the kernel, so allow a short grace.
     */
    private static void assertPortFree(int port) throws Exception {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (true) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress("127.0.0.1", port));
                return;
            } catch (java.net.BindException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("port " + port + " still bound after stop", e);
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void listenAcceptsSrsPortAndIpPortForms() {
        assertEquals(new InetSocketAddress(8080), org.fluvia.transport.ListenAddress.parse("8080"));
        assertEquals(new InetSocketAddress(8080), org.fluvia.transport.ListenAddress.parse("0.0.0.0:8080"));
        assertEquals(new InetSocketAddress("127.0.0.1", 8081), org.fluvia.transport.ListenAddress.parse(" 127.0.0.1:8081 "));
        assertEquals(new InetSocketAddress("::1", 8082), org.fluvia.transport.ListenAddress.parse("[::1]:8082"));
        assertThrows(IllegalArgumentException.class, () -> org.fluvia.transport.ListenAddress.parse("http"));
        assertThrows(IllegalArgumentException.class, () -> org.fluvia.transport.ListenAddress.parse("70000"));
    }

    @Test
    void aPortInUseFailsActivationAndLeavesNothingBound() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int free = Ports.freePort();
            Map<String, Object> cfg = Map.of("listen", new String[]{"127.0.0.1:" + free, "127.0.0.1:" + taken.getLocalPort()});
            assertThrows(Exception.class, () -> new TestServer(cfg));
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress("127.0.0.1", free));
            }
        }
    }
}
