package org.fluvia.testkit;

import java.io.IOException;
import java.net.ServerSocket;

/** Loopback ports for servers under test. */
public final class Ports {
    private Ports() {
    }

    /** A port free right now (the OS picks it; another process may still take it before the test binds). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
