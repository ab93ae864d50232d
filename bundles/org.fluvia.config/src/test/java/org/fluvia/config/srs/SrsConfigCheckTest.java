package org.fluvia.config.srs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsConfigCheckTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int check(Path file) {
        return SrsConfigCheck.check(file, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void seedConfigPassesWithWarningsOnStderr() {
        Path file = Path.of("src/test/resources/seed/master.conf");
        assertEquals(0, check(file));
        assertEquals("fluvia: the config file " + file + " syntax is ok\n"
                + "fluvia: config file " + file + " test is successful\n", out.toString(StandardCharsets.UTF_8));
        String[] warnings = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, warnings.length);
        assertEquals("warn: " + file + ":18: directive 'stats' is not implemented yet; ignored", warnings[1]);
    }

    @Test
    void badValueFailsWithLocationAndNonZeroResult(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "listen 1935;\nchunk_size 1;\n");
        assertEquals(1, check(file));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("fluvia: config file " + file + " test failed: " + file
                + ":2: directive 'chunk_size': '1' is not valid (use a whole number from 128 to 65536)\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void syntaxErrorFails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "listen 1935;\nvhost a {\n");
        assertEquals(1, check(file));
        assertEquals("fluvia: config file " + file + " test failed: " + file
                + ":2: block 'vhost' opened here is not closed at the end of the file (add the missing '}')\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void missingFileFails(@TempDir Path dir) {
        Path file = dir.resolve("none.conf");
        assertEquals(1, check(file));
        assertEquals("fluvia: config file " + file + " test failed: " + file
                + ": cannot read the config file: no such file (check the path)\n", err.toString(StandardCharsets.UTF_8));
    }

    int check(Path file, Map<String, String> env) {
        return SrsConfigCheck.check(file, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    int checkEnv(Map<String, String> env) {
        return SrsConfigCheck.checkEnvironment(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unbalancedBracesFailNamingTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "listen 1935;\nvhost a {\n}\n}\n");
        assertEquals(1, check(file));
        assertEquals("fluvia: config file " + file + " test failed: " + file
                + ":4: unexpected '}' with no open block (remove it, or add the missing '{')\n", err());
    }

    @Test
    void includeCycleFailsNamingTheChain(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.conf"), "listen 1935;\ninclude b.conf;\n");
        Files.writeString(dir.resolve("b.conf"), "include a.conf;\n");
        assertEquals(1, check(dir.resolve("a.conf")));
        assertTrue(err().contains("b.conf:1: include cycle: "), err());
        assertEquals(1, err().lines().count());
    }

    @Test
    void tenMegabyteFileFailsFastWithAClearMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.conf");
        String line = "vhost v { play { gop_cache on; } }\n";
        Files.writeString(file, "listen 1935;\n" + line.repeat(10 * 1024 * 1024 / line.length() + 1));
        long start = System.nanoTime();
        assertEquals(1, check(file));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 2000, "took " + ms + " ms");
        assertEquals("fluvia: config file " + file + " test failed: " + file
                + ": the file is larger than 4 MiB (an SRS config is a few KiB; check that the right file was given)\n",
                err());
    }

    @Test
    void unknownBlocksOnlyWarn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("srs.conf");
        Files.writeString(file, "listen 1935;\nrtc_server { enabled on; listen 8000; }\nsrt_server { enabled on; }\n");
        assertEquals(0, check(file));
        assertEquals(2, err().lines().filter(l -> l.startsWith("warn: ") && l.contains("is not implemented yet")).count(),
                err());
    }

    @Test
    void environmentOnlyCheckPassesAndFailsNamingTheVariable() {
        assertEquals(0, checkEnv(Map.of("SRS_LISTEN", "19350", "SRS_VHOST_HLS_ENABLED", "on")));
        assertEquals("fluvia: the environment config (SRS_*) syntax is ok\n"
                + "fluvia: the environment config (SRS_*) test is successful\n", out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(1, checkEnv(Map.of("SRS_VHOST_HLS_HLS_FRAGMENT", "abc")));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("fluvia: the environment config (SRS_*) test failed: SRS_VHOST_HLS_HLS_FRAGMENT=abc: directive"
                + " 'hls_fragment': 'abc' is not valid (use a positive number of seconds, e.g. 10 or 2.5)\n", err());
    }

    @Test
    void aBadVariableOverAGoodFileFails(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("good.conf");
        Files.writeString(file, "listen 1935;\n");
        assertEquals(0, check(file, Map.of()));
        assertEquals(1, check(file, Map.of("SRS_MAX_CONNECTIONS", "many")));
        assertTrue(err().contains("test failed: SRS_MAX_CONNECTIONS=many: directive 'max_connections'"), err());
    }
}
