package org.fluvia.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SRS 5's environment configuration ({@code SRS_*}, {@code fluvia -e}) and SRS's reload on SIGHUP,
 * with bin/fluvia as a process.
 */
class EnvAndReloadIT {

    @TempDir
    Path tmp;

    @Test
    void envOnlyNodeServesRtmpAndHttpFlvOnThePortsItWasGiven() throws Exception {
        int rtmpPort = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Path work = tmp.resolve("env");
        Map<String, String> env = Map.of("SRS_LISTEN", String.valueOf(rtmpPort),
                "SRS_HTTP_SERVER_ENABLED", "on",
                "SRS_HTTP_SERVER_LISTEN", "127.0.0.1:" + httpPort,
                "SRS_VHOST_HTTP_REMUX_ENABLED", "on",
                "SRS_VHOST_PLAY_GOP_CACHE", "on");
        Process publisher = null;
        try (FluviaNode node = FluviaNode.start(work, env, "-e", "--console", "off")) {
            node.waitForPort("127.0.0.1", rtmpPort, Duration.ofSeconds(30));
            node.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(30));
            assertTrue(node.log().contains("config=(environment only, -e)"), node.log());
            assertTrue(node.log().contains("RTMP listening on /0.0.0.0:" + rtmpPort), node.log());

            publisher = publish("rtmp://127.0.0.1:" + rtmpPort + "/live/env", 60, work.resolve("ffmpeg.log"));
            byte[] head = awaitFlvHead("http://127.0.0.1:" + httpPort + "/live/env.flv", Duration.ofSeconds(30), node);
            assertEquals("FLV", new String(head, 0, 3, StandardCharsets.ISO_8859_1));
            assertTrue(publisher.isAlive(), "the publish is accepted\n" + read(work.resolve("ffmpeg.log")));

            stop(publisher);
            assertEquals(0, node.stop(), node.log());
            node.assertNoLeaks();
        } finally {
            stop(publisher);
        }
    }

    @Test
    void sighupAppliesTheChangedFileKeepsTheStreamAndRejectsABrokenOne() throws Exception {
        int rtmpPort = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Path work = tmp.resolve("reload");
        Files.createDirectories(work);
        Path conf = work.resolve("node.conf");
        String base = "listen " + rtmpPort + ";\npid ./objs/node.pid;\nvhost __defaultVhost__ {\n"
                + "    http_remux { enabled on; }\n}\n";
        Files.writeString(conf, base);
        Process publisher = null;
        try (FluviaNode node = FluviaNode.start(work, Map.of(), "-c", "node.conf", "--console", "off")) {
            node.waitForPort("127.0.0.1", rtmpPort, Duration.ofSeconds(30));
            assertFalse(TestSupport.waitForTcp("127.0.0.1", httpPort, Duration.ofMillis(200)), "no HTTP server yet");
            publisher = publish("rtmp://127.0.0.1:" + rtmpPort + "/live/hup", 90, work.resolve("ffmpeg.log"));
            TestSupport.sleep(3000);
            assertTrue(publisher.isAlive(), read(work.resolve("ffmpeg.log")));

            // 1. a changed file: the HTTP server appears, the RTMP server and the stream are untouched
            Files.writeString(conf, "listen " + rtmpPort + ";\npid ./objs/node.pid;\n"
                    + "http_server { enabled on; listen 127.0.0.1:" + httpPort + "; }\n"
                    + "vhost __defaultVhost__ {\n    http_remux { enabled on; }\n}\n");
            int reloadsBefore = count(node.log(), "configuration reloaded");
            hup(node);
            node.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(20));
            awaitLog(node, "configuration reloaded", Duration.ofSeconds(10),
                    () -> count(node.log(), "configuration reloaded") > reloadsBefore);
            assertTrue(node.isAlive(), node.log());
            String reloadPart = node.log().substring(node.log().lastIndexOf("SIGHUP received"));
            assertTrue(reloadPart.contains("Configuration org.fluvia.http.server~server set from"), reloadPart);
            assertFalse(reloadPart.contains("Configuration org.fluvia.rtmp.server set from"),
                    "the unchanged RTMP server is not reconfigured\n" + reloadPart);
            assertFalse(reloadPart.contains("RTMP server stopped"), reloadPart);
            assertTrue(publisher.isAlive(), "the publish survives the reload\n" + read(work.resolve("ffmpeg.log")));
            byte[] head = awaitFlvHead("http://127.0.0.1:" + httpPort + "/live/hup.flv", Duration.ofSeconds(20), node);
            assertEquals("FLV", new String(head, 0, 3, StandardCharsets.ISO_8859_1));

            // 2. a broken file: one ERROR naming file:line, everything keeps running as it was
            Files.writeString(conf, base + "vhost broken {\n    hls { hls_fragment ten; }\n}\n");
            int errorsBefore = count(node.log(), "configuration not reloaded");
            hup(node);
            awaitLog(node, "configuration not reloaded", Duration.ofSeconds(10),
                    () -> count(node.log(), "configuration not reloaded") > errorsBefore);
            String brokenPart = node.log().substring(node.log().lastIndexOf("SIGHUP received"));
            assertTrue(brokenPart.contains("node.conf:7: directive 'hls_fragment'"), brokenPart);
            assertFalse(brokenPart.contains("Exception"), brokenPart);
            assertTrue(node.isAlive(), node.log());
            assertTrue(TestSupport.waitForTcp("127.0.0.1", httpPort, Duration.ofSeconds(2)), "HTTP server kept");
            assertTrue(TestSupport.waitForTcp("127.0.0.1", rtmpPort, Duration.ofSeconds(2)), "RTMP server kept");
            assertTrue(publisher.isAlive(), read(work.resolve("ffmpeg.log")));
            assertTrue(Files.isRegularFile(work.resolve("objs/node.pid")), "SIGHUP does not stop the node");

            stop(publisher);
            assertEquals(0, node.stop(), node.log());
            node.assertNoLeaks();
        } finally {
            stop(publisher);
        }
    }

    @Test
    void badEnvironmentValuesExitOneNamingTheVariable() throws Exception {
        Ended test = run(Map.of("SRS_VHOST_HLS_HLS_FRAGMENT", "abc"), "-t", "-e");
        assertEquals(1, test.code(), test.output());
        assertTrue(test.output().contains("SRS_VHOST_HLS_HLS_FRAGMENT=abc: directive 'hls_fragment'"), test.output());
        assertFalse(test.output().contains("Exception"), test.output());

        Ended ok = run(Map.of("SRS_LISTEN", "19350", "SRS_VHOST_HLS_ENABLED", "on"), "-t", "-e");
        assertEquals(0, ok.code(), ok.output());
        assertTrue(ok.output().contains("test is successful"), ok.output());

        // over a file, and at start (not only with -t): nothing starts
        Path conf = tmp.resolve("good.conf");
        Files.writeString(conf, "listen " + TestSupport.freePort() + ";\n");
        Ended overFile = run(Map.of("SRS_MAX_CONNECTIONS", "many"), "-t", "-c", conf.toString());
        assertEquals(1, overFile.code(), overFile.output());
        assertTrue(overFile.output().contains("SRS_MAX_CONNECTIONS=many"), overFile.output());
        Ended start = run(Map.of("SRS_LISTEN", "not-a-port"), "-e", "--console", "off");
        assertEquals(1, start.code(), start.output());
        assertTrue(start.output().contains("SRS_LISTEN=not-a-port: directive 'listen'"), start.output());
        assertFalse(start.output().contains("Fluvia started"), start.output());

        Ended both = run(Map.of(), "-e", "-c", conf.toString());
        assertEquals(2, both.code(), both.output());
        assertTrue(both.output().contains("Usage: fluvia"), both.output());
    }

    // ---------------------------------------------------------------------------------------------

    private record Ended(int code, String output) {
    }

    /** Runs a fluvia command that ends by itself, with extra environment variables. */
    private Ended run(Map<String, String> env, String... args) throws Exception {
        Path work = Files.createTempDirectory(tmp, "run");
        FluviaNode node = FluviaNode.start(work, env, args);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (node.isAlive() && System.nanoTime() < deadline) {
            TestSupport.sleep(100);
        }
        if (node.isAlive()) {
            node.stop();
            fail("fluvia " + String.join(" ", args) + " did not end within 60 s\n" + node.log());
        }
        return new Ended(node.stop(), node.log());
    }

    private static void hup(FluviaNode node) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(node.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP " + node.pid());
    }

    private static void awaitLog(FluviaNode node, String what, Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (node.log().contains(what) && done.getAsBoolean()) {
                return;
            }
            assertTrue(node.isAlive(), "node died waiting for '" + what + "'\n" + node.log());
            TestSupport.sleep(100);
        }
        fail("no '" + what + "' in the log after " + timeout + "\n" + node.log());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The first bytes of an HTTP-FLV stream, retried until the stream is there. */
    private static byte[] awaitFlvHead(String url, Duration timeout, FluviaNode node) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try {
                if (c.getResponseCode() == 200) {
                    try (InputStream in = c.getInputStream()) {
                        byte[] head = in.readNBytes(13);
                        if (head.length == 13) {
                            return head;
                        }
                    }
                }
                last = "HTTP " + c.getResponseCode();
            } catch (IOException e) {
                last = e.toString();
            } finally {
                c.disconnect();
            }
            TestSupport.sleep(300);
        }
        fail("no FLV at " + url + " after " + timeout + " (last: " + last + ")\n" + node.log());
        return null;
    }

    /** ffmpeg publishing a test pattern with a tone, H.264 + AAC, in real time. */
    private static Process publish(String url, int seconds, Path log) throws IOException {
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", url)
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
