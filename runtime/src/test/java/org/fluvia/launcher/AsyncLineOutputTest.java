package org.fluvia.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class AsyncLineOutputTest {

    /** A sink that collects what it is given, optionally held shut until released. */
    private static final class Sink extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CountDownLatch open;

        Sink(boolean startOpen) {
            open = new CountDownLatch(startOpen ? 0 : 1);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                open.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            synchronized (bytes) {
                bytes.write(b, off, len);
            }
        }

        List<String> lines() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8).lines().toList();
            }
        }
    }

    @Test
    void linesPrintedInPiecesByManyThreadsComeOutWholeAndInEachThreadsOrder() throws Exception {
        Sink sink = new Sink(true);
        AsyncLineOutput out = new AsyncLineOutput(sink, 1 << 24, "test-output");
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int threads = 8;
        int lines = 2000;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts.add(new Thread(() -> {
                for (int i = 0; i < lines; i++) {
                    // in pieces, as pax-logging's fallback logger prints a line
                    ps.print("[thread-");
                    ps.print(id);
                    ps.print("] line ");
                    ps.println(i);
                }
            }));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        assertTrue(out.drain(10_000), "drained");

        int[] next = new int[threads];
        List<String> got = sink.lines();
        assertEquals(threads * lines, got.size());
        for (String line : got) {
            assertTrue(line.matches("\\[thread-\\d] line \\d+"), "a whole line: '" + line + "'");
            int id = line.charAt(8) - '0';
            assertEquals(next[id]++, Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)), "thread " + id + "'s order");
        }
        assertEquals(0, out.dropped());
        out.close();
    }

    @Test
    void aSinkThatDoesNotTakeItNeverHoldsUpTheWritersAndTheDroppedLinesAreCounted() throws Exception {
        Sink sink = new Sink(false);
        AsyncLineOutput out = new AsyncLineOutput(sink, 10_000, "test-output");
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        // 100 bytes a line: the writer takes the first line(s) and blocks on the sink, the queue fills
        // at 100 lines and the rest are dropped; the printing thread goes on regardless.
        String line = "x".repeat(99);
        Thread printer = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                ps.println(line);
            }
        });
        printer.start();
        printer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(printer.isAlive(), "the printing thread finished while the sink was shut");
        assertFalse(out.drain(50), "nothing reached the shut sink");
        long dropped = out.dropped();
        // the queue's 100 lines, plus what the writer took before it blocked
        assertTrue(dropped > 0 && 1000 - dropped >= 100, "dropped: " + dropped);

        sink.open.countDown();
        assertTrue(out.drain(10_000), "drained once the sink takes it");
        List<String> got = sink.lines();
        List<String> notices = got.stream().filter(l -> l.contains("dropped: the output did not keep up")).toList();
        assertEquals(List.of(dropped + " log lines dropped: the output did not keep up"),
                notices.stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList(), String.join("\n", got));
        assertEquals(1000 - dropped, got.stream().filter(line::equals).count());
        out.close();
    }

    @Test
    void aLineLongerThanMaxLineWithoutNewlineIsNotLost() throws Exception {
        Sink sink = new Sink(true);
        AsyncLineOutput out = new AsyncLineOutput(sink, 1 << 20, "test-output");
        byte[] big = new byte[AsyncLineOutput.MAX_LINE * 2 + 10];
        Arrays.fill(big, (byte) 'y');
        out.write(big, 0, big.length);
        out.write('z');
        assertTrue(out.drain(10_000));
        String all = String.join("", sink.lines());
        assertEquals("y".repeat(big.length) + "z", all);
        out.close();
    }

    @Test
    void aSinkThatFailsIsGivenUpWithoutFailingTheWriters() throws Exception {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        AsyncLineOutput out = new AsyncLineOutput(failing, 1 << 20, "test-output");
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        for (int i = 0; i < 100_000; i++) {
            ps.println("line " + i);
        }
        assertFalse(ps.checkError(), "the PrintStream saw no error");
        assertTrue(out.drain(10_000), "the queue keeps moving");
        out.close();
    }
}
