package org.fluvia.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for a condition that becomes true asynchronously. */
public final class Await {
    private Await() {
    }

    /** Returns once {@code condition} holds; fails with {@code what} when it does not within {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
