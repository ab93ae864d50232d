package org.fluvia.rtmp.client;

import org.fluvia.testkit.Ports;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private nginx with the RTMP module (Debian's nginx + libnginx-mod-rtmp) on a free loopback port,
 * every path inside one temporary directory: an independent RTMP peer for the client's tests.
 */
final class NginxRtmp implements AutoCloseable {

    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path RTMP_MODULE = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");

    private final Path dir;
    private final int port;
    private final Process process;

    private NginxRtmp(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Writes nginx.conf into {@code dir}, starts nginx in the foreground and waits until it accepts connections. */
    static NginxRtmp start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(NGINX) || !Files.exists(RTMP_MODULE)) {
            throw new AssertionError("nginx-rtmp is missing: install nginx and libnginx-mod-rtmp (" + NGINX + ", " + RTMP_MODULE + ")");
        }
        int port = Ports.freePort();
        Path log = dir.resolve("error.log");
        // No http block: nothing touches port 80; pid, logs and temp paths all stay in dir.
        String conf = "load_module " + RTMP_MODULE + ";\n"
                + "daemon off;\n"
                + "master_process off;\n"
                + "worker_processes 1;\n"
                + "error_log " + log + " info;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "events {}\n"
                + "rtmp {\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + port + ";\n"
                + "    chunk_size 4096;\n"
                + "    application live { live on; }\n"
                + "  }\n"
                + "}\n";
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(NGINX.toString(), "-p", dir + "/", "-c", confFile.toString(), "-e", log.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        NginxRtmp nginx = new NginxRtmp(dir, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!p.isAlive()) {
                throw new AssertionError("nginx exited with " + p.exitValue() + ": " + nginx.errorLog()
                        + Files.readString(dir.resolve("nginx.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return nginx;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    nginx.close();
                    throw new AssertionError("nginx did not listen on 127.0.0.1:" + port + " within 10 s: " + nginx.errorLog());
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    /** {@code rtmp://127.0.0.1:<port>/<path>}. */
    String url(String path) {
        return "rtmp://127.0.0.1:" + port + "/" + path;
    }

    String errorLog() throws IOException {
        Path log = dir.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until nginx logged {@code text} (its info-level log names each publish and play). */
    void awaitLog(String text, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!errorLog().contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("nginx did not log \"" + text + "\" within " + timeoutMillis + " ms:\n" + errorLog());
            }
            Thread.sleep(50);
        }
    }

    /** Stops nginx: SIGTERM, then SIGKILL after 5 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
