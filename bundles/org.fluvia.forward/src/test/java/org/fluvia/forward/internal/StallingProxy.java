package org.fluvia.forward.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to a destination that can stop reading what clients send (a destination whose network
 * stalls): the client's socket fills and its channel becomes unwritable, while the connection stays up.
 */
final class StallingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean stalled;

    StallingProxy(int targetPort) throws IOException {
        this.target = targetPort;
        server = new ServerSocket();
        server.setReceiveBufferSize(4096); // accepted sockets inherit it: a stall fills it quickly
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread("proxy-accept", this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    void stall(boolean stall) {
        stalled = stall;
    }

    private void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                thread("proxy-up", () -> relay(client, upstream, true));
                thread("proxy-down", () -> relay(upstream, client, false));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void relay(Socket from, Socket to, boolean stallable) {
        byte[] buf = new byte[4096];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                while (stallable && stalled && !from.isClosed()) {
                    Thread.sleep(10);
                }
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException | InterruptedException e) {
            // closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (Socket s : sockets) {
            close(s);
        }
        for (Thread t : threads) {
            t.join(2000);
        }
    }
}
