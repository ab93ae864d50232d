package org.fluvia.config.srs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SrsTranslatorTest {

    static Translation translate(String text) throws SrsConfigException {
        return SrsTranslator.translate(SrsConfigParser.parse(text, "t.conf"));
    }

    static Translation seed(String name) throws SrsConfigException {
        return SrsTranslator.translate(SrsConfigParser.parse(Path.of("src/test/resources/seed", name)));
    }

    static String seedFile(String name) {
        return Path.of("src/test/resources/seed", name).toString();
    }

    static Map<String, Object> rtmp(Translation t) {
        return t.singleton(SrsTranslator.RTMP_SERVER_PID).properties();
    }

    static Map<String, Object> vhost(Translation t, String name) {
        return t.factory(SrsTranslator.VHOST_FACTORY_PID, name).properties();
    }

    @Test
    void masterSeedListensOn1945AndWarnsOncePerUnimplementedDirective() throws Exception {
        Translation t = seed("master.conf");
        String f = seedFile("master.conf");
        assertArrayEquals(new String[] {"1945"}, (String[]) rtmp(t).get("listen"));
        assertEquals(1000, rtmp(t).get("max_connections"));
        assertEquals(60000, rtmp(t).get("chunk_size"));
        assertEquals(2, t.configurations().size());
        assertEquals(true, vhost(t, "__defaultVhost__").get("gop_cache"));
        assertEquals(List.of(
                f + ":3: directive 'pid' is not terminated by ';' (accepted; SRS itself rejects this)",
                f + ":7: directive 'http_api' is not implemented yet; ignored",
                f + ":12: directive 'http_server' is not implemented yet; ignored",
                f + ":18: directive 'stats' is not implemented yet; ignored",
                f + ":24: directive 'vhost.forward' is not implemented yet; ignored"), t.warnings());
    }

    @Test
    void slaveSeedHasAnEmptyDefaultVhostWithDefaults() throws Exception {
        Translation t = seed("slave.conf");
        assertArrayEquals(new String[] {"1946"}, (String[]) rtmp(t).get("listen"));
        assertEquals(Map.of("vhost", "__defaultVhost__", "gop_cache", true, "queue_length", 10.0,
                "time_jitter", "full", "fluvia.source", "srs-config"), vhost(t, "__defaultVhost__"));
        assertEquals(4, t.warnings().size());
    }

    @Test
    void edgeSeedWarnsAboutRemuxHlsModeAndOrigin() throws Exception {
        Translation t = seed("edge.conf");
        String f = seedFile("edge.conf");
        assertArrayEquals(new String[] {"1947"}, (String[]) rtmp(t).get("listen"));
        assertEquals(List.of(
                f + ":3: directive 'pid' is not terminated by ';' (accepted; SRS itself rejects this)",
                f + ":7: directive 'http_api' is not implemented yet; ignored",
                f + ":12: directive 'http_server' is not implemented yet; ignored",
                f + ":18: directive 'stats' is not implemented yet; ignored",
                f + ":25: directive 'vhost.http_remux' is not implemented yet; ignored",
                f + ":31: directive 'vhost.hls' is not implemented yet; ignored",
                f + ":38: directive 'vhost.mode' is not implemented yet; ignored",
                f + ":39: directive 'vhost.origin' is not implemented yet; ignored"), t.warnings());
    }

    @Test
    void everyConfigurationIsTaggedWithItsSource() throws Exception {
        for (ConfigurationSpec spec : seed("edge.conf").configurations()) {
            assertEquals("srs-config", spec.properties().get("fluvia.source"), spec.toString());
        }
    }

    @Test
    void valuesBecomeTheDocumentedPropertiesAndTypes() throws Exception {
        Translation t = translate("""
                listen 127.0.0.1:1945 [::1]:1946 1947;
                chunk_size 4096;
                max_connections 20;
                daemon off;
                srs_log_tank console;
                srs_log_level warn;
                vhost live.example.com {
                    play {
                        gop_cache off;
                        queue_length 2.5;
                        time_jitter zero;
                    }
                }
                vhost __defaultVhost__ {
                    gop_cache off;
                    queue_length 30;
                    time_jitter off;
                }
                """);
        Map<String, Object> rtmp = rtmp(t);
        assertArrayEquals(new String[] {"127.0.0.1:1945", "[::1]:1946", "1947"}, (String[]) rtmp.get("listen"));
        assertEquals(Integer.valueOf(4096), rtmp.get("chunk_size"));
        assertEquals(Integer.valueOf(20), rtmp.get("max_connections"));

        ConfigurationSpec live = t.factory(SrsTranslator.VHOST_FACTORY_PID, "live.example.com");
        assertNull(live.pid());
        assertEquals("live.example.com", live.name());
        assertEquals("live.example.com", live.properties().get("vhost"));
        assertEquals(Boolean.FALSE, live.properties().get("gop_cache"));
        assertEquals(Double.valueOf(2.5), live.properties().get("queue_length"));
        assertEquals("zero", live.properties().get("time_jitter"));

        Map<String, Object> dflt = vhost(t, "__defaultVhost__");
        assertEquals(Boolean.FALSE, dflt.get("gop_cache"));
        assertEquals(Double.valueOf(30.0), dflt.get("queue_length"));
        assertEquals("off", dflt.get("time_jitter"));
        assertEquals(3, t.configurations().size());
        assertEquals(List.of(), t.warnings());
    }

    @Test
    void missingDefaultVhostIsAddedWithDefaultsAfterTheFilesVhosts() throws Exception {
        Translation t = translate("listen 1935;\nvhost a { }\n");
        assertEquals(List.of("org.fluvia.rtmp.server", "a", "__defaultVhost__"), t.configurations().stream()
                .map(s -> s.pid() != null ? s.pid() : s.name()).toList());
        assertEquals(10.0, vhost(t, "__defaultVhost__").get("queue_length"));
        assertEquals("full", vhost(t, "__defaultVhost__").get("time_jitter"));
    }

    @Test
    void settingInPlayWinsOverTheOldPlaceInTheVhost() throws Exception {
        Translation t = translate("listen 1;\nvhost v {\n  play { gop_cache off; }\n  gop_cache on;\n}\n");
        assertEquals(false, vhost(t, "v").get("gop_cache"));
        assertEquals(List.of("t.conf:4: directive 'gop_cache' is also set in 'play' at t.conf:3; that one is used"),
                t.warnings());
    }

    @Test
    void unknownBlockWarnsOnceAndItsContentIsIgnored() throws Exception {
        Translation t = translate("""
                listen 1935;
                rtc_server { enabled on; bogus { deeper x; } }
                vhost a { forward x:1; forward y:1; play { mw_latency 100; } }
                vhost b { forward z:1; }
                rtc_server { enabled off; }
                """);
        assertEquals(List.of(
                "t.conf:2: directive 'rtc_server' is not implemented yet; ignored",
                "t.conf:3: directive 'vhost.forward' is not implemented yet; ignored",
                "t.conf:3: directive 'vhost.play.mw_latency' is not implemented yet; ignored"), t.warnings());
        assertEquals(4, t.configurations().size()); // rtmp server, a, b, __defaultVhost__
    }

    @Test
    void repeatedDirectiveUsesTheFirstAndWarns() throws Exception {
        Translation t = translate("listen 1;\nchunk_size 4096;\nchunk_size 128;\n");
        assertEquals(4096, rtmp(t).get("chunk_size"));
        assertEquals(List.of("t.conf:3: directive 'chunk_size' is repeated; the first one at t.conf:2 is used"),
                t.warnings());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            listen 70000;                          | 1 | listen       | PORT or IP:PORT, PORT from 1 to 65535
            listen host:;                          | 1 | listen       | PORT or IP:PORT
            listen ::1:1935;                       | 1 | listen       | IPv6 address in brackets
            listen;                                | 1 | listen       | needs at least one port
            chunk_size 127;                        | 2 | chunk_size   | whole number from 128 to 65536
            chunk_size 65537;                      | 2 | chunk_size   | whole number from 128 to 65536
            chunk_size big;                        | 2 | chunk_size   | whole number from 128 to 65536
            max_connections 0;                     | 2 | max_connections | whole number greater than 0
            max_connections -5;                    | 2 | max_connections | whole number greater than 0
            srs_log_level debug;                   | 2 | srs_log_level | verbose, info, trace, warn, error
            srs_log_tank syslog;                   | 2 | srs_log_tank | console, file
            daemon yes;                            | 2 | daemon       | on, off
            pid a b;                               | 2 | pid          | takes exactly one value
            chunk_size { }                         | 2 | chunk_size   | is a block here
            vhost v { gop_cache maybe; }           | 2 | gop_cache    | on, off
            vhost v { play { time_jitter fast; } } | 2 | time_jitter  | full, zero, off
            vhost v { queue_length 0; }            | 2 | queue_length | positive number of seconds
            vhost v { queue_length -1; }           | 2 | queue_length | positive number of seconds
            vhost v { queue_length NaN; }          | 2 | queue_length | positive number of seconds
            vhost v;                               | 2 | vhost        | vhost NAME { ... }
            """)
    void badValueIsAnErrorNamingFileLineDirectiveAndAcceptedValues(String bad, int line, String directive,
            String hint) {
        String text = line == 1 ? bad + "\n" : "listen 1935;\n" + bad + "\n";
        SrsConfigException e = assertThrows(SrsConfigException.class, () -> translate(text));
        assertEquals("t.conf", e.file());
        assertEquals(line, e.line());
        assertTrue(e.getMessage().startsWith("t.conf:" + line + ": directive '" + directive + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
    }

    @Test
    void missingListenIsAnError() {
        SrsConfigException e = assertThrows(SrsConfigException.class, () -> translate("vhost a { }\n"));
        assertEquals("t.conf: no 'listen' directive (add e.g. 'listen 1935;' for the RTMP port)", e.getMessage());
    }

    @Test
    void vhostDefinedTwiceIsAnError() {
        SrsConfigException e = assertThrows(SrsConfigException.class,
                () -> translate("listen 1;\nvhost a { }\nvhost a { }\n"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("already defined at t.conf:2"), e.getMessage());
    }
}
