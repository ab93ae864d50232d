package org.fluvia.itest;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Netty's leak reports inside the framework under test: pax-logging prints them ("LEAK: ...") to
 * whatever {@code System.out}/{@code System.err} is at the time, so this tees both streams (the
 * output still reaches failsafe's report, which the build's own LEAK check reads) and keeps the
 * lines that name a leak. Open it at the start of a test, {@link #assertNoLeaks()} at the end, close it.
 */
final class LeakWatch implements AutoCloseable {

    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final List<String> leaks = new ArrayList<>();

    LeakWatch() {
        System.setOut(tee(originalOut));
        System.setErr(tee(originalErr));
    }

    private PrintStream tee(PrintStream target) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                target.write(b);
                take(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                target.write(b, off, len);
                for (int i = off; i < off + len; i++) {
                    take(b[i]);
                }
            }

            private void take(int b) {
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    if (s.contains("LEAK:")) {
                        synchronized (leaks) {
                            leaks.add(s);
                        }
                    }
                } else if (line.size() < 8192) {
                    line.write(b);
                }
            }

            @Override
            public void flush() {
                target.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    /**
     * Collects garbage and allocates a few buffers (the leak detector reports when it tracks new
     * allocations), a few times over, then fails naming every LEAK line seen since this watch opened.
     */
    void assertNoLeaks() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            TestSupport.sleep(100);
            for (int i = 0; i < 64; i++) {
                ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(256);
                b.release();
                ByteBuf h = ByteBufAllocator.DEFAULT.heapBuffer(256);
                h.release();
            }
        }
        TestSupport.sleep(200);
        synchronized (leaks) {
            if (!leaks.isEmpty()) {
                throw new AssertionError("Netty reported " + leaks.size() + " buffer leak(s):\n" + String.join("\n", leaks));
            }
        }
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }
}
