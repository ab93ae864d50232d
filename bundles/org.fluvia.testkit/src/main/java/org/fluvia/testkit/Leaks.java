package org.fluvia.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Netty leak check: tests run with paranoid leak detection and slf4j-simple logging to a file. */
public final class Leaks {
    /** The system property naming slf4j-simple's log file, set per module by its surefire configuration. */
    public static final String LOG_FILE_PROPERTY = "org.slf4j.simpleLogger.logFile";

    private Leaks() {
    }

    /** {@link #assertNoLeakReported(Path)} on the log file named by {@value #LOG_FILE_PROPERTY}. */
    public static void assertNoLeakReported() {
        String log = System.getProperty(LOG_FILE_PROPERTY);
        if (log == null) {
            throw new IllegalStateException(LOG_FILE_PROPERTY + " is not set: the test log is needed for the leak check");
        }
        assertNoLeakReported(Path.of(log));
    }

    /**
     * Fails when Netty's paranoid leak detector reported a leak into {@code log}. Leaks are found when
     * buffers are garbage collected and reported at the next allocation, so collect and allocate first.
     */
    public static void assertNoLeakReported(Path log) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
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
