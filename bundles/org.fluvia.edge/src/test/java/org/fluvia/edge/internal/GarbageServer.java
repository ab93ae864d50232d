package org.fluvia.edge.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP server that answers every connection with random bytes, then hangs up: a bogus origin. */
final class GarbageServer implements AutoCloseable {

    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket socket;
    private final Thread thread;

    GarbageServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "garbage-origin");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        Random random = new Random(42);
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(500);
                byte[] junk = new byte[8192];
                random.nextBytes(junk);
                junk[0] = 3; // looks like RTMP for one byte
                OutputStream out = s.getOutputStream();
                out.write(junk);
                out.flush();
                InputStream in = s.getInputStream();
                try {
                    in.readNBytes(4096);
                } catch (IOException e) {
                    // read timeout: enough
                }
                random.nextBytes(junk);
                out.write(junk);
            } catch (IOException e) {
                // the client hung up, or we are closing
            }
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        thread.join(5000);
    }
}
