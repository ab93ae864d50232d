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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    void envOnlyNodeServesRtmpHttpFlvAndHlsOnThePortsItWasGiven() throws Exception {
        int rtmpPort = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Path work = tmp.resolve("env");
        Path html = tmp.resolve("env-html");
        Map<String, String> env = Map.of("SRS_LISTEN", String.valueOf(rtmpPort),
                "SRS_HTTP_SERVER_ENABLED", "on",
                "SRS_HTTP_SERVER_LISTEN", "127.0.0.1:" + httpPort,
                "SRS_HTTP_SERVER_DIR", html.toString(),
                "SRS_VHOST_HTTP_REMUX_ENABLED", "on",
                "SRS_VHOST_PLAY_GOP_CACHE", "on",
                "SRS_VHOST_HLS_ENABLED", "on",
                "SRS_VHOST_HLS_HLS_FRAGMENT", "2",
                "SRS_VHOST_HLS_HLS_PATH", html.toString());
        Process publisher = null;
        try (FluviaNode node = FluviaNode.start(work, env, "-e", "--console", "off")) {
            node.waitForPort("127.0.0.1", rtmpPort, Duration.ofSeconds(30));
            node.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(30));
            assertTrue(node.log().contains("config=(environment only, -e)"), node.log());
            assertTrue(node.log().contains("RTMP listening on /0.0.0.0:" + rtmpPort), node.log());

            long publishedAt = System.nanoTime();
            publisher = publish("rtmp://127.0.0.1:" + rtmpPort + "/live/env", 60, work.resolve("ffmpeg.log"));
            byte[] head = awaitFlvHead("http://127.0.0.1:" + httpPort + "/live/env.flv", Duration.ofSeconds(30), node);
            assertEquals("FLV", new String(head, 0, 3, StandardCharsets.ISO_8859_1));
            assertTrue(publisher.isAlive(), "the publish is accepted\n" + read(work.resolve("ffmpeg.log")));

            // HLS on the same HTTP port, within 15 s of the publish: the playlist, then a segment from it
            String m3u8Url = "http://127.0.0.1:" + httpPort + "/live/env.m3u8";
            Duration left = Duration.ofSeconds(15).minusNanos(System.nanoTime() - publishedAt);
            String playlist = awaitPlaylist(m3u8Url, left.isNegative() ? Duration.ZERO : left, node, publisher, work);
            assertTrue(playlist.startsWith("#EXTM3U"), playlist);
            String segment = playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow();
            Http ts = get(URI.create(m3u8Url).resolve(segment).toString());
            assertEquals(200, ts.code(), segment + " from\n" + playlist);
            assertTrue(ts.body().length > 188 && ts.body()[0] == 0x47, "an MPEG-TS segment: " + segment);

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

    /**
     * SIGHUP with a changed hls_fragment: the running muxer follows from its next segment (2 s segments,
     * then 4 s ones), the playlist goes on (EXT-X-MEDIA-SEQUENCE never goes back), and neither the
     * publisher nor an RTMP player is dropped.
     */
    @Test
    void sighupWithAChangedHlsFragmentChangesNewSegmentsWithoutDroppingTheRtmpPlayer() throws Exception {
        int rtmpPort = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Path work = tmp.resolve("reload-hls");
        Path html = work.resolve("html");
        Files.createDirectories(html);
        Path conf = work.resolve("node.conf");
        Files.writeString(conf, hlsConf(rtmpPort, httpPort, html, 2));
        Process publisher = null;
        Process player = null;
        Path recording = work.resolve("player.flv");
        try (FluviaNode node = FluviaNode.start(work, Map.of(), "-c", "node.conf", "--console", "off")) {
            node.waitForPort("127.0.0.1", rtmpPort, Duration.ofSeconds(30));
            node.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(30));
            String rtmp = "rtmp://127.0.0.1:" + rtmpPort + "/live/frag";
            publisher = publish(rtmp, 120, 25, work.resolve("ffmpeg.log"));
            player = play(rtmp, recording, work.resolve("player.log"));
            String m3u8Url = "http://127.0.0.1:" + httpPort + "/live/frag.m3u8";
            PlaylistWatch watch = new PlaylistWatch(m3u8Url);

            // 2 s segments first
            watch.until(Duration.ofSeconds(30), node, () -> watch.durations.size() >= 4);
            assertTrue(isGrowing(recording, player), "the RTMP player records\n" + read(work.resolve("player.log")));
            Set<String> before = new HashSet<>(watch.durations.keySet());
            for (String name : before) {
                double d = watch.durations.get(name);
                assertTrue(d >= 1.5 && d <= 2.5, "before the reload, segments are about 2 s: " + name + " " + d + "\n" + watch.last);
            }

            Files.writeString(conf, hlsConf(rtmpPort, httpPort, html, 4));
            int reloadsBefore = count(node.log(), "configuration reloaded");
            long recordedAtHup = Files.size(recording);
            hup(node);
            awaitLog(node, "configuration reloaded", Duration.ofSeconds(10),
                    () -> count(node.log(), "configuration reloaded") > reloadsBefore);
            awaitLog(node, "hls [__defaultVhost__]: configuration changed live", Duration.ofSeconds(10), () -> true);

            // After the reload: at most two transition segments (the open one is cut by the 2 s rule, the
            // next starts wherever that one ended), then 4 s ones.
            List<String> after = new ArrayList<>();
            watch.until(Duration.ofSeconds(45), node, () -> {
                after.clear();
                watch.order.stream().filter(n -> !before.contains(n)).forEach(after::add);
                return after.size() >= 5;
            });
            System.out.println("hls reload: before " + before + ", after " + after + ": " + watch.durations);
            List<String> settled = after.subList(2, after.size());
            for (String name : settled) {
                double d = watch.durations.get(name);
                assertTrue(d >= 3 && d <= 4.5, "after the reload, new segments are about 4 s: " + name + " " + d
                        + " (new: " + after + ")\n" + watch.last);
            }
            assertTrue(watch.last.contains("#EXT-X-TARGETDURATION:4") || watch.last.contains("#EXT-X-TARGETDURATION:5"),
                    watch.last);
            for (String name : watch.playlistNames()) {
                assertTrue(Files.exists(html.resolve("live").resolve(name)), name + " listed and on disk");
            }

            String reloadPart = node.log().substring(node.log().lastIndexOf("SIGHUP received"));
            assertFalse(reloadPart.contains("restarting its muxers"), reloadPart);
            assertFalse(reloadPart.contains("disposing"), reloadPart);
            assertTrue(publisher.isAlive(), "the publish survives the reload\n" + read(work.resolve("ffmpeg.log")));
            assertTrue(player.isAlive(), "the RTMP player survives the reload\n" + read(work.resolve("player.log")));
            assertTrue(Files.size(recording) > recordedAtHup, "the player kept receiving after the reload");
            assertTrue(isGrowing(recording, player), "the player still receives\n" + read(work.resolve("player.log")));

            stop(player);
            stop(publisher);
            assertEquals(0, node.stop(), node.log());
            node.assertNoLeaks();
        } finally {
            stop(player);
            stop(publisher);
        }
    }

    private static String hlsConf(int rtmpPort, int httpPort, Path html, int fragment) {
        return "listen " + rtmpPort + ";\npid ./objs/node.pid;\n"
                + "http_server { enabled on; listen 127.0.0.1:" + httpPort + "; dir " + html + "; }\n"
                + "vhost __defaultVhost__ {\n"
                + "    hls { enabled on; hls_fragment " + fragment + "; hls_window 20; hls_path " + html + "; }\n}\n";
    }

    /** Polls a live playlist, recording each segment's EXTINF and checking that EXT-X-MEDIA-SEQUENCE never goes back. */
    private static final class PlaylistWatch {
        final String url;
        final Map<String, Double> durations = new HashMap<>();
        final List<String> order = new ArrayList<>();
        long mediaSequence = -1;
        String last = "";

        PlaylistWatch(String url) {
            this.url = url;
        }

        void until(Duration timeout, FluviaNode node, BooleanSupplier done) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                poll();
                if (done.getAsBoolean()) {
                    return;
                }
                assertTrue(node.isAlive(), "node died\n" + node.log());
                if (System.nanoTime() > deadline) {
                    fail("playlist " + url + " did not get there within " + timeout + "; seen " + durations + "\n" + last);
                }
                TestSupport.sleep(500);
            }
        }

        void poll() throws IOException {
            Http r = get(url);
            if (r.code() != 200) {
                return;
            }
            String text = new String(r.body(), StandardCharsets.UTF_8);
            if (!text.startsWith("#EXTM3U")) {
                fail("not a playlist:\n" + text);
            }
            last = text;
            double pending = -1;
            for (String line : text.split("\n")) {
                if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    long seq = Long.parseLong(line.substring("#EXT-X-MEDIA-SEQUENCE:".length()).trim());
                    assertTrue(seq >= mediaSequence, "EXT-X-MEDIA-SEQUENCE went back from " + mediaSequence + ":\n" + text);
                    mediaSequence = seq;
                } else if (line.startsWith("#EXTINF:")) {
                    pending = Double.parseDouble(line.substring("#EXTINF:".length(), line.indexOf(',')));
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Double had = durations.putIfAbsent(line, pending);
                    if (had == null) {
                        order.add(line);
                    } else {
                        assertEquals(had, pending, "a segment's duration changed: " + line + "\n" + text);
                    }
                }
            }
            List<String> names = playlistNames();
            assertEquals(names.size(), new HashSet<>(names).size(), "a name repeats in the playlist:\n" + text);
        }

        List<String> playlistNames() {
            return last.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
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

    private record Http(int code, byte[] body) {
    }

    private static Http get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try {
            int code = c.getResponseCode();
            if (code != 200) {
                return new Http(code, new byte[0]);
            }
            try (InputStream in = c.getInputStream()) {
                return new Http(code, in.readAllBytes());
            }
        } catch (IOException e) {
            return new Http(-1, e.toString().getBytes(StandardCharsets.UTF_8));
        } finally {
            c.disconnect();
        }
    }

    /** A playlist with at least one segment, retried until it is there. */
    private static String awaitPlaylist(String url, Duration timeout, FluviaNode node, Process publisher, Path work)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        do {
            Http r = get(url);
            if (r.code() == 200) {
                String text = new String(r.body(), StandardCharsets.UTF_8);
                if (text.contains("#EXTINF:")) {
                    return text;
                }
                last = text;
            } else {
                last = "HTTP " + r.code() + " " + new String(r.body(), StandardCharsets.UTF_8);
            }
            TestSupport.sleep(300);
        } while (System.nanoTime() < deadline);
        fail("no playlist at " + url + " within 15 s of the publish (last: " + last + ")\npublisher alive: "
                + publisher.isAlive() + "\n" + read(work.resolve("ffmpeg.log")) + "\n" + node.log());
        return null;
    }

    /** ffmpeg playing an RTMP stream into a file, with no end of its own. */
    private static Process play(String url, Path out, Path log) throws IOException {
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", url,
                "-c", "copy", "-f", "flv", "-y", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    /** Whether the file grows within 5 s while the process lives. */
    private static boolean isGrowing(Path file, Process p) throws IOException {
        long start = Files.exists(file) ? Files.size(file) : 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && p.isAlive()) {
            TestSupport.sleep(250);
            if (Files.exists(file) && Files.size(file) > start) {
                return true;
            }
        }
        return false;
    }

    /** ffmpeg publishing a test pattern with a tone, H.264 + AAC, in real time. */
    private static Process publish(String url, int seconds, Path log) throws IOException {
        return publish(url, seconds, 50, log);
    }

    /** The same with a keyframe every {@code gop} frames (25 fps). */
    private static Process publish(String url, int seconds, int gop, Path log) throws IOException {
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", String.valueOf(gop),
                "-keyint_min", String.valueOf(gop), "-sc_threshold", "0", "-pix_fmt", "yuv420p",
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
