package org.fluvia.config.srs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
