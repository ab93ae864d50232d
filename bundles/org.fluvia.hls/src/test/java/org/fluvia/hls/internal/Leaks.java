package org.fluvia.hls.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class Leaks {
    private Leaks() {
    }

    /**
     * Fails when Netty's paranoid leak detector reported a leak into the test log. Leaks are found
     * when buffers are garbage collected and reported at the next allocation, so collect and allocate.
     */
    static void assertNoLeakReported() {
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/hls-test.log"));
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(16).release();
        }
        try {
            if (Files.exists(log) && Files.readString(log).contains("LEAK:")) {
                throw new AssertionError("Netty reported a buffer leak: see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
