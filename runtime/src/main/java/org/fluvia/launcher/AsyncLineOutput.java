package org.fluvia.launcher;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A running node's stdout or log file: threads hand whole lines to a bounded queue and one writer
 * thread writes them, so a thread that logs (an event loop among them) never waits for the
 * terminal, pipe or disk behind it. Written straight through, a stdout nobody read (a paused
 * terminal, a full pipe) stopped every event loop at its next log line, and each line cost the loop a
 * write call or several.
 *
 * <p>Each thread's bytes gather until a newline, so lines from different threads never mix even
 * when a logger prints a line in pieces (pax-logging's fallback logger does). When the queue holds
 * {@code capacity} bytes, further lines are dropped and counted, and the writer says how many before
 * the next line it writes.
 */
final class AsyncLineOutput extends OutputStream {

    /** A line longer than this without a newline goes out as it is. */
    static final int MAX_LINE = 16 * 1024;

    private final OutputStream sink;
    private final int capacity;
    private final ThreadLocal<ByteArrayOutputStream> partial = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(256));
    private final Thread writer;

    // guarded by this
    private ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private long dropped;
    /** The writer is writing what it last took: the output is not drained until it is done. */
    private boolean writing;
    private boolean closed;

    AsyncLineOutput(OutputStream sink, int capacity, String name) {
        this.sink = new BufferedOutputStream(sink, 64 * 1024); // a write call per batch, not per line
        this.capacity = capacity;
        this.writer = new Thread(this::writeLoop, name);
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void write(int b) {
        ByteArrayOutputStream line = partial.get();
        line.write(b);
        if (b == '\n' || line.size() >= MAX_LINE) {
            enqueue(line);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ByteArrayOutputStream line = partial.get();
        int end = off + len;
        int start = off;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n' || line.size() + i + 1 - start >= MAX_LINE) {
                line.write(b, start, i + 1 - start);
                enqueue(line);
                start = i + 1;
            }
        }
        line.write(b, start, end - start);
    }

    /** Lines go out whole: a flush does not push the calling thread's unfinished line (see {@link #drain}). */
    @Override
    public void flush() {
    }

    private void enqueue(ByteArrayOutputStream line) {
        byte[] bytes = line.toByteArray();
        line.reset();
        synchronized (this) {
            if (closed || queuedBytes + bytes.length > capacity) {
                dropped++;
                return;
            }
            if (queue.isEmpty()) {
                notifyAll(); // the writer waits only for an empty queue to fill
            }
            queue.add(bytes);
            queuedBytes += bytes.length;
        }
    }

    /**
     * Pushes the calling thread's unfinished line and waits up to {@code timeoutMillis} until the
     * writer has written everything queued. False when it has not (the output does not take it).
     */
    boolean drain(long timeoutMillis) throws InterruptedException {
        ByteArrayOutputStream line = partial.get();
        if (line.size() > 0) {
            enqueue(line);
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (this) {
            while (!queue.isEmpty() || writing) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }

    /** Lines dropped so far because the queue was full. */
    synchronized long dropped() {
        return dropped;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
    }

    private void writeLoop() {
        ArrayDeque<byte[]> batch = new ArrayDeque<>();
        long reported = 0;
        boolean broken = false;
        while (true) {
            long droppedNow;
            synchronized (this) {
                writing = false;
                notifyAll(); // drain() waits for this
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return; // closed and written
                }
                ArrayDeque<byte[]> taken = queue;
                queue = batch;
                batch = taken;
                queuedBytes = 0;
                droppedNow = dropped;
                writing = true;
            }
            if (broken) {
                batch.clear(); // nowhere to write: keep the queue moving so nobody waits on it
                continue;
            }
            try {
                if (droppedNow > reported) {
                    sink.write(droppedNotice(droppedNow - reported));
                    reported = droppedNow;
                }
                for (byte[] line; (line = batch.poll()) != null;) {
                    sink.write(line);
                }
                sink.flush();
            } catch (IOException e) {
                broken = true; // stdout closed (EPIPE) or the disk failed: there is nobody to tell
                batch.clear();
            }
        }
    }

    private static byte[] droppedNotice(long lines) {
        return (Main.logLine("WARN", lines + " log line" + (lines == 1 ? "" : "s") + " dropped: the output did not keep up")
                + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
