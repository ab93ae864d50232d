package org.fluvia.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** bin/fluvia as an operator uses it: SRS-style flags, config test, a node's life from start to SIGTERM. */
class LauncherIT {

    private static final Duration QUICK = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void versionFlagPrintsTheVersionAndExitsZero() throws Exception {
        for (String flag : new String[] {"-v", "-V"}) {
            FluviaNode.Result r = FluviaNode.run(QUICK, flag);
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().strip().matches("\\d+\\.\\d+\\.\\d+.*"), "a version, got: " + r.stdout());
        }
    }

    @Test
    void helpExitsZeroAndUnknownOptionExitsTwoWithUsage() throws Exception {
        FluviaNode.Result help = FluviaNode.run(QUICK, "-h");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("Usage: fluvia"), help.stdout());

        FluviaNode.Result bad = FluviaNode.run(QUICK, "--no-such-option");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().contains("--no-such-option") && bad.stderr().contains("Usage: fluvia"), bad.stderr());

        // -e configures from the environment only: naming a file too is a usage error.
        FluviaNode.Result envAndFile = FluviaNode.run(QUICK, "-e", "-c", "x.conf");
        assertEquals(2, envAndFile.exitCode(), envAndFile.stderr());
    }

    /** The seed cluster's SRS files: each loads, with one warning per directive Fluvia does not implement yet. */
    static Stream<Arguments> seeds() {
        return Stream.of(
                Arguments.of("master.conf", List.of("18: directive 'stats'")),
                Arguments.of("slave.conf", List.of("18: directive 'stats'")),
                Arguments.of("edge.conf", List.of("18: directive 'stats'")));
    }

    private static Path seed(String name) {
        Path seed = Path.of(System.getProperty("fluvia.config.seed", "../bundles/org.fluvia.config/src/test/resources/seed"))
                .resolve(name).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(seed), "the seed file " + seed);
        return seed;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seeds")
    void configTestAcceptsEachSeedFileWithOneWarningPerUnimplementedDirective(String name, List<String> unimplemented)
            throws Exception {
        Path file = seed(name);
        FluviaNode.Result r = FluviaNode.run(QUICK, "-t", "-c", file.toString());
        String out = r.stdout() + r.stderr();
        assertEquals(0, r.exitCode(), out);
        assertTrue(r.stdout().contains("test is successful"), out);

        List<String> warnings = r.stderr().lines().filter(l -> l.contains("is not implemented yet")).toList();
        assertEquals(unimplemented.size(), warnings.size(), "one warning per unimplemented directive:\n" + out);
        for (String w : unimplemented) {
            assertEquals(1, warnings.stream().filter(l -> l.contains(name + ":" + w + " is not implemented yet")).count(),
                    "exactly one warning '" + name + ":" + w + "':\n" + out);
        }
        // line 3 of every seed is 'pid ./objs/srs.*.pid' without its ';'
        List<String> unterminated = r.stderr().lines().filter(l -> l.contains("not terminated by ';'")).toList();
        assertEquals(1, unterminated.size(), out);
        assertTrue(unterminated.get(0).contains(name + ":3: directive 'pid'"), "names the line missing its ';': " + out);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"master.conf", "slave.conf", "edge.conf"})
    void configTestRejectsEachSeedFileBrokenNamingTheLine(String name) throws Exception {
        List<String> lines = Files.readAllLines(seed(name));
        assertTrue(lines.get(1).startsWith("max_connections"), "line 2 of " + name + ": " + lines.get(1));

        // a bad value on line 2
        List<String> badValue = new ArrayList<>(lines);
        badValue.set(1, "max_connections     lots;");
        Path a = tmp.resolve("bad-value-" + name);
        Files.write(a, badValue);
        FluviaNode.Result ra = FluviaNode.run(QUICK, "-t", "-c", a.toString());
        assertEquals(1, ra.exitCode(), ra.stdout() + ra.stderr());
        assertTrue(ra.stderr().contains(a.getFileName() + ":2: directive 'max_connections'"), "file:line of the bad value: " + ra.stderr());

        // the vhost block never closed: the error names the line that opened it
        int vhost = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("vhost ")) {
                vhost = i + 1;
            }
        }
        assertEquals("}", lines.get(lines.size() - 1).strip(), "the last line of " + name + " closes the vhost");
        Path b = tmp.resolve("unclosed-" + name);
        Files.write(b, lines.subList(0, lines.size() - 1));
        FluviaNode.Result rb = FluviaNode.run(QUICK, "-t", "-c", b.toString());
        assertEquals(1, rb.exitCode(), rb.stdout() + rb.stderr());
        assertTrue(rb.stderr().contains(b.getFileName() + ":" + vhost + ":"), "file:line of the unclosed block (" + vhost + "): " + rb.stderr());
        assertFalse(rb.stdout().contains("test is successful"), rb.stdout());
    }

    @Test
    void configTestRejectsABrokenFileNamingTheLine() throws Exception {
        Path file = tmp.resolve("broken.conf");
        Files.writeString(file, "listen 1935;\nvhost __defaultVhost__ {\n    gop_cache on;\n    play {\n");
        FluviaNode.Result r = FluviaNode.run(QUICK, "-t", "-c", file.toString());
        assertNotEquals(0, r.exitCode());
        String out = r.stdout() + r.stderr();
        assertTrue(out.matches("(?s).*broken\\.conf:\\d+.*"), "file:line in the message, got: " + out);
    }

    @Test
    void aNodeListensWritesItsPidFileAndStopsCleanlyOnSigterm() throws Exception {
        int port = TestSupport.freePort();
        Path work = tmp.resolve("node");
        Files.createDirectories(work);
        Files.writeString(work.resolve("node.conf"), "listen " + port + ";\n"
                + "pid ./objs/fluvia.pid;\n"
                + "srs_log_level warn;\n"
                + "vhost __defaultVhost__ {\n}\n");
        try (FluviaNode node = FluviaNode.start(work, Map.of(), "-c", "node.conf", "--console", "off")) {
            node.waitForPort("127.0.0.1", port, Duration.ofSeconds(10));
            Path pidFile = work.resolve("objs/fluvia.pid");
            assertTrue(Files.isRegularFile(pidFile), "pid file written (relative to the cwd)\n" + node.log());
            assertEquals(String.valueOf(node.pid()), Files.readString(pidFile).strip());

            assertEquals(0, node.stop(), node.log());
            assertFalse(Files.exists(pidFile), "pid file removed on exit");
            assertFalse(TestSupport.waitForTcp("127.0.0.1", port, Duration.ofMillis(300)), "port closed after stop");
            node.assertNoLeaks();
        }
    }

    @Test
    void consolePasswordOptionGuardsTheWebConsole() throws Exception {
        int consolePort = TestSupport.freePort();
        Path work = tmp.resolve("console");
        Files.createDirectories(work);
        // not the built-in default config: that would listen on 1935
        Files.writeString(work.resolve("node.conf"), "listen " + TestSupport.freePort() + ";\nvhost __defaultVhost__ {\n}\n");
        try (FluviaNode node = FluviaNode.start(work, Map.of(), "-c", "node.conf",
                "--console", "127.0.0.1:" + consolePort, "--console-password", "s3cret")) {
            node.waitForPort("127.0.0.1", consolePort, Duration.ofSeconds(20));
            String url = "http://127.0.0.1:" + consolePort + "/system/console/bundles";
            TestSupport.HttpResult r = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                r = TestSupport.httpGet(url, "admin", "s3cret");
                if (r.status() == 200) {
                    break;
                }
                TestSupport.sleep(200);
            }
            assertEquals(200, r.status(), "admin with the configured password\n" + node.log());
            assertEquals(401, TestSupport.httpGet(url, "admin", "admin").status(), "the default password no longer works");
            assertEquals(401, TestSupport.httpGet(url, null, null).status());
            assertEquals(0, node.stop(), node.log());
            node.assertNoLeaks();
        }
    }

    @Test
    void logTankFileAppendsTheNodeOutputToTheLogFile() throws Exception {
        Path work = tmp.resolve("logfile");
        Files.createDirectories(work);
        Files.writeString(work.resolve("node.conf"), "listen " + TestSupport.freePort() + ";\n"
                + "srs_log_tank file;\n"
                + "srs_log_file ./objs/fluvia.log;\n"
                + "vhost __defaultVhost__ {\n}\n");
        Path logFile = work.resolve("objs/fluvia.log");
        try (FluviaNode node = FluviaNode.start(work, Map.of(), "-c", "node.conf", "--console", "off")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline
                    && !(Files.exists(logFile) && Files.readString(logFile).contains("Fluvia started"))) {
                assertTrue(node.isAlive(), node.log());
                TestSupport.sleep(200);
            }
            assertTrue(Files.readString(logFile).contains("Fluvia started"), "start line in " + logFile + "\n" + node.log());
            assertEquals(0, node.stop());
            String log = Files.readString(logFile);
            assertTrue(log.contains("Fluvia stopped"), log);
            assertFalse(log.contains("LEAK:"), log);
            assertFalse(node.log().contains("Fluvia started"), "nothing on the console once the log goes to a file");
        }
    }

    /**
     * A stdout nobody reads (a paused terminal, a stalled log collector) must not stop the node: the
     * pipe fills with the log lines of bad connections, and then a stream is published and played.
     * With the output written by the logging threads themselves, every event loop stopped at its next
     * log line once the pipe was full.
     */
    @Test
    void aStdoutNobodyReadsDoesNotStopTheStreams() throws Exception {
        int port = TestSupport.freePort();
        Path work = loopbackNode("unread", port);
        FluviaNode node = FluviaNode.startWithUnreadOutput(work, "-c", "node.conf", "--console", "off");
        Process publisher = null;
        int exitCode;
        try {
            node.waitForPort("127.0.0.1", port, Duration.ofSeconds(20));
            // Each bad handshake is a logged error (~150 bytes): fill the pipe (64 KiB on Linux) with
            // them, then log as much again so that no room is left in its partly used pages either.
            for (int sent = 0; sent < 5000 && node.unreadOutputBytes() < PIPE_NEARLY_FULL; sent += 100) {
                badHandshakes(port, 100);
            }
            badHandshakes(port, 500);
            assertTrue(node.unreadOutputBytes() >= PIPE_NEARLY_FULL, "the output pipe is full: " + node.unreadOutputBytes() + " bytes");

            publisher = Ffmpeg.publish("rtmp://127.0.0.1:" + port + "/live/unread", 30, work.resolve("publish.log"));
            try (RtmpTestPlayer player = RtmpTestPlayer.start("127.0.0.1", port, "live", "unread")) {
                assertTrue(TestSupport.await(Duration.ofSeconds(30), () -> player.videoFrames() >= 50 || player.problem() != null),
                        "two seconds of video played with the output pipe full: " + player + "\n" + Ffmpeg.read(work.resolve("publish.log")));
                assertEquals(null, player.problem());
            }
        } finally {
            Ffmpeg.stop(publisher);
            Thread reader = node.readOutput();
            exitCode = node.stop();
            reader.join(10_000);
        }
        String log = node.log();
        assertEquals(0, exitCode, log);
        assertTrue(log.contains("Fluvia stopped"), "the last lines reach the output once it is read\n" + log);
        node.assertNoLeaks();
    }

    /** A working directory {@code name} with a node.conf that listens on 127.0.0.1:{@code port}. */
    private Path loopbackNode(String name, int port) throws IOException {
        Path work = tmp.resolve(name);
        Files.createDirectories(work);
        Files.writeString(work.resolve("node.conf"), "listen 127.0.0.1:" + port + ";\nvhost __defaultVhost__ {\n}\n");
        return work;
    }

    /** 48 KiB: 64 KiB (Linux) fill a pipe, less when some of its pages are partly used. */
    private static final int PIPE_NEARLY_FULL = 48 * 1024;

    /** {@code count} connections that each send a bad RTMP version, then 50 ms for the node to log them. */
    private static void badHandshakes(int port, int count) throws IOException {
        byte[] garbage = new byte[1537];
        Arrays.fill(garbage, (byte) 0x55);
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(garbage);
            } catch (IOException closedByTheServer) {
                // it may close before it read it all
            }
        }
        TestSupport.sleep(50);
    }

    @Test
    void theJitCompilerThreadsRunBelowTheEventLoopsUnlessTurnedOff() throws Exception {
        int port = TestSupport.freePort();
        Path work = loopbackNode("nice", port);
        for (String setting : new String[] {null, "3", "off"}) {
            Map<String, String> env = setting == null ? Map.of() : Map.of("FLUVIA_JIT_NICE", setting);
            int expected = setting == null ? 10 : "off".equals(setting) ? 0 : Integer.parseInt(setting);
            try (FluviaNode node = FluviaNode.start(work, env, "-c", "node.conf", "--console", "off")) {
                node.waitForPort("127.0.0.1", port, Duration.ofSeconds(20));
                Map<String, Integer> nice = threadNiceness(node.pid());
                String seen = "FLUVIA_JIT_NICE=" + setting + ": " + nice + "\n" + node.log();
                assertTrue(nice.keySet().stream().anyMatch(t -> t.startsWith("C2 CompilerThre")), seen);
                nice.forEach((thread, n) -> {
                    if (thread.contains("CompilerThre")) {
                        assertEquals(expected, n, thread + " " + seen);
                    } else if (thread.startsWith("fluvia-") || thread.startsWith("VM Thread") || thread.startsWith("GC Thread")) {
                        assertEquals(0, n, thread + " " + seen);
                    }
                });
                assertEquals(0, node.stop(), node.log());
            }
        }
    }

    @Test
    void aBadJitNiceValueIsAUsageError() throws Exception {
        for (String value : new String[] {"20", "-1", "ten"}) {
            Path work = Files.createTempDirectory("fluvia-nice");
            try (FluviaNode node = FluviaNode.start(work, Map.of("FLUVIA_JIT_NICE", value), "--console", "off")) {
                assertTrue(TestSupport.await(Duration.ofSeconds(20), () -> !node.isAlive()), "exits at once\n" + node.log());
                assertEquals(2, node.stop(), node.log());
                assertTrue(node.log().contains("FLUVIA_JIT_NICE must be 0..19 or off, not '" + value + "'"), node.log());
            }
        }
    }

    /** Thread name (with its id, names repeat) to nice value, from /proc. */
    private static Map<String, Integer> threadNiceness(long pid) throws java.io.IOException {
        Map<String, Integer> nice = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    // after "pid (comm) ", nice is the 17th field (field 19 of proc(5))
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    nice.put(name + "#" + task.getFileName(), Integer.parseInt(f[16]));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a thread that ended while we looked
                }
            }
        }
        return nice;
    }
}
