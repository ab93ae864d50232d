package org.fluvia.http.api.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Fails a test when Netty's paranoid leak detector reported a buffer leak into the test log. */
final class Leaks {
    private Leaks() {
    }

    static void assertNoLeakReported() throws Exception {
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/http-api-test.log"));
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
        }
        if (Files.exists(log)) {
            assertFalse(Files.readString(log).contains("LEAK:"), "Netty reported a leak: see " + log);
        }
    }
}
