package org.fluvia.config.srs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsConfigParserTest {

    @TempDir
    Path dir;

    static SrsConfig parse(String text) throws SrsConfigException {
        return SrsConfigParser.parse(text, "t.conf");
    }

    static SrsConfigException parseError(String text) {
        return assertThrows(SrsConfigException.class, () -> parse(text));
    }

    @Test
    void parsesArgumentsNestedBlocksAndLineNumbers() throws Exception {
        SrsConfig cfg = parse("listen 1935 1936;\n\nvhost a.com {\n  play {\n    gop_cache off;\n  }\n}\n");
        SrsDirective listen = cfg.root().child("listen");
        assertEquals(List.of("1935", "1936"), listen.args());
        assertEquals("1936", listen.arg(1));
        assertNull(listen.arg(2));
        assertFalse(listen.isBlock());
        assertEquals(1, listen.line());
        assertEquals("t.conf", listen.file());
        assertEquals("1935", cfg.global("listen"));

        SrsDirective vhost = cfg.vhost("a.com");
        assertTrue(vhost.isBlock());
        assertEquals(3, vhost.line());
        SrsDirective gop = vhost.child("play").child("gop_cache");
        assertEquals("off", gop.arg(0));
        assertEquals(5, gop.line());
        assertEquals(List.of(), cfg.warnings());
    }

    @Test
    void blockNameMayTouchItsBraceAndEmptyBlocksAreBlocks() throws Exception {
        SrsConfig cfg = parse("vhost v {\n  http_remux{\n  }\n}\n");
        SrsDirective remux = cfg.vhost("v").child("http_remux");
        assertTrue(remux.isBlock());
        assertEquals(List.of(), remux.children());
        assertEquals(2, remux.line());
    }

    @Test
    void commentsRunToEndOfLineButOnlyWhereATokenStarts() throws Exception {
        SrsConfig cfg = parse("# header; { }\nlisten 1935; # trailing }\nurl http://h/p#frag; #x\n");
        assertEquals(2, cfg.root().children().size());
        assertEquals("http://h/p#frag", cfg.global("url"));
        assertEquals(3, cfg.root().child("url").line());
    }

    @Test
    void quotedArgumentsKeepSpacesSpecialCharactersAndEscapedQuotes() throws Exception {
        SrsConfig cfg = parse("a \"x y;{}#\" 'it''s' \"say \\\"hi\\\"\";\nb 'two\nlines';\nc 1;\n");
        assertEquals(List.of("x y;{}#", "it", "s", "say \"hi\""), cfg.root().child("a").args());
        assertEquals("two\nlines", cfg.global("b"));
        assertEquals(4, cfg.root().child("c").line());
    }

    @Test
    void unclosedQuoteIsAnErrorAtTheLineWhereItOpened() {
        SrsConfigException e = parseError("a 1;\nb \"oops;\nc 2;\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("t.conf:2: quoted value is not closed"), e.getMessage());
    }

    @Test
    void includeSplicesFileRelativeToTheIncludingFile() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("main.conf"), "listen 1935;\nvhost v {\n    include sub/a.conf;\n}\nmax_connections 5;\n");
        Files.writeString(dir.resolve("sub/a.conf"), "gop_cache off;\ninclude b.conf;\n");
        Files.writeString(dir.resolve("sub/b.conf"), "\n\ntime_jitter zero;\n");

        SrsConfig cfg = SrsConfigParser.parse(dir.resolve("main.conf"));
        List<SrsDirective> vhostChildren = cfg.vhost("v").children();
        assertEquals(List.of("gop_cache", "time_jitter"), vhostChildren.stream().map(SrsDirective::name).toList());
        SrsDirective jitter = vhostChildren.get(1);
        assertEquals(dir.resolve("sub/b.conf").toString(), jitter.file());
        assertEquals(3, jitter.line());
        assertEquals("5", cfg.global("max_connections"));
    }

    @Test
    void includeCycleIsAnErrorNamingTheChain() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "listen 1;\ninclude b.conf;\n");
        Files.writeString(dir.resolve("b.conf"), "\ninclude a.conf;\n");
        SrsConfigException e = assertThrows(SrsConfigException.class,
                () -> SrsConfigParser.parse(dir.resolve("a.conf")));
        assertEquals(dir.resolve("b.conf").toString(), e.file());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("include cycle: " + dir.resolve("a.conf") + " -> "
                + dir.resolve("b.conf") + " -> " + dir.resolve("a.conf")), e.getMessage());
    }

    @Test
    void sameFileIncludedTwiceWithoutACycleIsFine() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "vhost x { include c.conf; }\nvhost y { include c.conf; }\n");
        Files.writeString(dir.resolve("c.conf"), "gop_cache on;\n");
        SrsConfig cfg = SrsConfigParser.parse(dir.resolve("a.conf"));
        assertEquals("on", cfg.vhost("y").child("gop_cache").arg(0));
    }

    @Test
    void missingIncludedFileIsAnErrorAtTheIncludeLine() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "listen 1;\n\ninclude nope.conf;\n");
        SrsConfigException e = assertThrows(SrsConfigException.class,
                () -> SrsConfigParser.parse(dir.resolve("a.conf")));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("cannot read included file"), e.getMessage());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void missingConfigFileSaysSo() {
        SrsConfigException e = assertThrows(SrsConfigException.class,
                () -> SrsConfigParser.parse(dir.resolve("absent.conf")));
        assertEquals(dir.resolve("absent.conf") + ": cannot read the config file: no such file (check the path)",
                e.getMessage());
    }

    @Test
    void missingClosingBraceIsReportedAtTheLineThatOpenedTheBlock() {
        SrsConfigException e = parseError("listen 1;\nvhost a {\n  play {\n  }\n\n");
        assertEquals(2, e.line());
        assertEquals("t.conf:2: block 'vhost' opened here is not closed at the end of the file"
                + " (add the missing '}')", e.getMessage());
    }

    @Test
    void extraClosingBraceIsReportedAtItsLine() {
        SrsConfigException e = parseError("vhost a {\n}\nlisten 1;\n}\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith("t.conf:4: unexpected '}' with no open block"), e.getMessage());
    }

    @Test
    void braceWithoutDirectiveNameIsAnError() {
        SrsConfigException e = parseError("listen 1;\n{\n}\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("'{' without a directive name"), e.getMessage());
    }

    @Test
    void strayClosingBraceInIncludedFileIsAnErrorInThatFile() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "vhost x {\n include c.conf;\n}\n");
        Files.writeString(dir.resolve("c.conf"), "gop_cache on;\n}\n");
        SrsConfigException e = assertThrows(SrsConfigException.class,
                () -> SrsConfigParser.parse(dir.resolve("a.conf")));
        assertEquals(dir.resolve("c.conf").toString(), e.file());
        assertEquals(2, e.line());
    }

    @Test
    void missingSemicolonBeforeTheNextDirectiveIsAcceptedWithAWarning() throws Exception {
        SrsConfig cfg = parse("listen 1945;\npid                 ./objs/srs.master.pid\nsrs_log_tank        file;\n");
        assertEquals("./objs/srs.master.pid", cfg.global("pid"));
        assertEquals(List.of("./objs/srs.master.pid"), cfg.root().child("pid").args());
        assertEquals("file", cfg.global("srs_log_tank"));
        assertEquals(3, cfg.root().child("srs_log_tank").line());
        assertEquals(List.of("t.conf:2: directive 'pid' is not terminated by ';' (accepted; SRS itself rejects this)"),
                cfg.warnings());
    }

    @Test
    void missingSemicolonBeforeABlockOrAClosingBraceOnTheNextLineIsAccepted() throws Exception {
        SrsConfig cfg = parse("pid a\nvhost v {\n  gop_cache on\n}\n");
        assertEquals("a", cfg.global("pid"));
        assertEquals("on", cfg.vhost("v").child("gop_cache").arg(0));
        assertEquals(2, cfg.warnings().size());
        assertTrue(cfg.warnings().get(1).startsWith("t.conf:3: directive 'gop_cache' is not terminated"));
    }

    @Test
    void argumentsMayContinueOnTheNextLine() throws Exception {
        SrsConfig cfg = parse("forward a:1946\n        b:1946;\norigin x:1\n   10.0.0.2:1 \"y z\";\n");
        assertEquals(List.of("a:1946", "b:1946"), cfg.root().child("forward").args());
        assertEquals(List.of("x:1", "10.0.0.2:1", "y z"), cfg.root().child("origin").args());
        assertEquals(List.of(), cfg.warnings());
    }

    @Test
    void missingSemicolonAtEndOfFileIsAnError() {
        SrsConfigException e = parseError("listen 1;\npid x\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("directive 'pid' is not terminated by ';'"), e.getMessage());
    }

    @Test
    void missingSemicolonBeforeABraceOnTheSameLineIsAnError() {
        SrsConfigException e = parseError("vhost v {\n  gop_cache on }\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("add ';' before the '}'"), e.getMessage());
    }

    @Test
    void straySemicolonIsAnError() {
        SrsConfigException e = parseError("listen 1;\n;\n");
        assertEquals(2, e.line());
    }

    @Test
    void fileLargerThanFourMibIsRejectedWithoutReadingItAll() throws IOException {
        Path big = dir.resolve("big.conf");
        byte[] line = "# filler filler filler filler filler filler filler filler\n".getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long written = 0; written <= SrsConfigParser.MAX_FILE_BYTES; written += line.length) {
                out.write(line);
            }
        }
        SrsConfigException e = assertThrows(SrsConfigException.class, () -> SrsConfigParser.parse(big));
        assertEquals(big.toString(), e.file());
        assertTrue(e.getMessage().contains("larger than 4 MiB"), e.getMessage());
    }

    @Test
    void textLargerThanFourMibIsRejected() {
        String text = "#".repeat(SrsConfigParser.MAX_FILE_BYTES + 1);
        SrsConfigException e = parseError(text);
        assertTrue(e.getMessage().contains("larger than 4 MiB"), e.getMessage());
    }

    @Test
    void overlongTokenIsRejected() {
        SrsConfigException e = parseError("listen 1;\npid " + "x".repeat(SrsConfigParser.MAX_TOKEN_CHARS + 1) + ";\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("longer than 8192 characters"), e.getMessage());
    }

    @Test
    void nestingDeeperThan32BlocksIsRejected() throws Exception {
        parse("a {\n".repeat(32) + "}\n".repeat(32));
        SrsConfigException e = parseError("a {\n".repeat(33) + "}\n".repeat(33));
        assertEquals(33, e.line());
        assertTrue(e.getMessage().contains("nested deeper than 32"), e.getMessage());
    }

    @Test
    void seedFilesParseWithOnlyTheMissingSemicolonWarning() throws Exception {
        for (String role : List.of("master", "slave", "edge")) {
            SrsConfig cfg = SrsConfigParser.parse(seed(role + ".conf"));
            assertEquals("./objs/srs." + role + ".pid", cfg.global("pid"));
            assertEquals("./objs/srs." + role + ".log", cfg.global("srs_log_file"));
            assertEquals(List.of(seed(role + ".conf") + ":3: directive 'pid' is not terminated by ';'"
                    + " (accepted; SRS itself rejects this)"), cfg.warnings());
            assertEquals(1, cfg.vhosts().size());
        }
        SrsDirective edgeVhost = SrsConfigParser.parse(seed("edge.conf")).vhost("__defaultVhost__");
        assertEquals("[vhost]/[app]/[stream].flv", edgeVhost.child("http_remux").child("mount").arg(0));
        assertEquals(4, edgeVhost.child("origin").args().size());
    }

    static Path seed(String name) {
        return Path.of("src/test/resources/seed", name);
    }
}
