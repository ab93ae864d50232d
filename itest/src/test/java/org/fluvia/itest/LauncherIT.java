package org.fluvia.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

        FluviaNode.Result env = FluviaNode.run(QUICK, "-e");
        assertEquals(2, env.exitCode());
        assertTrue(env.stderr().contains("not implemented yet"), env.stderr());
    }

    @Test
    void configTestAcceptsAValidFile() throws Exception {
        Path seed = Path.of(System.getProperty("fluvia.config.seed", "../bundles/org.fluvia.config/src/test/resources/seed"))
                .resolve("master.conf");
        Path file;
        if (Files.isRegularFile(seed)) {
            file = seed.toAbsolutePath();
        } else {
            file = tmp.resolve("valid.conf");
            Files.writeString(file, "listen 1935;\nmax_connections 1000;\nvhost __defaultVhost__ {\n}\n");
        }
        FluviaNode.Result r = FluviaNode.run(QUICK, "-t", "-c", file.toString());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
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
}
