package org.fluvia.config.srs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SrsEnvironmentTest {

    static SrsConfig parse(String text) throws SrsConfigException {
        return SrsConfigParser.parse(text, "t.conf");
    }

    static Translation overlay(String text, Map<String, String> env) throws SrsConfigException {
        return SrsTranslator.translate(parse(text).withEnvironment(env));
    }

    /** The directive at a dotted path under {@code block}, following the first block of each name. */
    static SrsDirective at(SrsDirective block, String path) {
        SrsDirective d = block;
        for (String segment : path.split("\\.")) {
            d = d == null ? null : d.child(segment);
        }
        return d;
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            SRS_LISTEN                   | 19350 19351              | listen
            SRS_MAX_CONNECTIONS          | 42                       | max_connections
            SRS_CHUNK_SIZE               | 4096                     | chunk_size
            SRS_DAEMON                   | off                      | daemon
            SRS_PID                      | ./objs/x.pid             | pid
            SRS_SRS_LOG_TANK             | file                     | srs_log_tank
            SRS_SRS_LOG_FILE             | ./objs/x.log             | srs_log_file
            SRS_SRS_LOG_LEVEL            | warn                     | srs_log_level
            SRS_HTTP_API_ENABLED         | on                       | http_api.enabled
            SRS_HTTP_API_LISTEN          | 1986                     | http_api.listen
            SRS_HTTP_API_CROSSDOMAIN     | off                      | http_api.crossdomain
            SRS_HTTP_API_AUTH_ENABLED    | on                       | http_api.auth.enabled
            SRS_HTTP_API_AUTH_USERNAME   | admin                    | http_api.auth.username
            SRS_HTTP_API_AUTH_PASSWORD   | s3cret                   | http_api.auth.password
            SRS_HTTP_SERVER_ENABLED      | on                       | http_server.enabled
            SRS_HTTP_SERVER_LISTEN       | 8081                     | http_server.listen
            SRS_HTTP_SERVER_DIR          | /var/www                 | http_server.dir
            """)
    void eachGlobalVariableSetsItsDirective(String name, String value, String path) throws Exception {
        SrsConfig cfg = parse("listen 1935;\n").withEnvironment(Map.of(name, value));
        SrsDirective d = at(cfg.root(), path);
        assertNotNull(d, path);
        List<String> expected = name.equals("SRS_LISTEN") ? List.of(value.split(" ")) : List.of(value);
        assertEquals(expected, d.args());
        assertEquals(0, d.line());
        assertEquals(name + "=" + (name.contains("PASSWORD") ? "***" : value), d.file());
        assertEquals(1, cfg.root().children(path.split("\\.")[0]).size(), "no second directive of the name");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            SRS_VHOST_HTTP_REMUX_ENABLED  | on                        | http_remux.enabled
            SRS_VHOST_HTTP_REMUX_MOUNT    | [vhost]/[app]/[stream].flv | http_remux.mount
            SRS_VHOST_HTTP_REMUX_HSTRS    | on                        | http_remux.hstrs
            SRS_VHOST_HLS_ENABLED         | on                        | hls.enabled
            SRS_VHOST_HLS_HLS_FRAGMENT    | 2                         | hls.hls_fragment
            SRS_VHOST_HLS_HLS_WINDOW      | 20                        | hls.hls_window
            SRS_VHOST_HLS_HLS_PATH        | /tmp/hls                  | hls.hls_path
            SRS_VHOST_HLS_HLS_M3U8_FILE   | [app]/[stream]/index.m3u8 | hls.hls_m3u8_file
            SRS_VHOST_HLS_HLS_TS_FILE     | [app]/[stream]/[seq].ts   | hls.hls_ts_file
            SRS_VHOST_PLAY_GOP_CACHE      | off                       | play.gop_cache
            SRS_VHOST_PLAY_QUEUE_LENGTH   | 5                         | play.queue_length
            SRS_VHOST_PLAY_TIME_JITTER    | zero                      | play.time_jitter
            SRS_VHOST_HTTP_HOOKS_ENABLED  | on                        | http_hooks.enabled
            SRS_VHOST_HTTP_HOOKS_ON_PUBLISH | http://a/p http://b/p   | http_hooks.on_publish
            SRS_VHOST_HTTP_HOOKS_ON_UNPUBLISH | http://a/u            | http_hooks.on_unpublish
            SRS_VHOST_HTTP_HOOKS_ON_PLAY  | https://a/p               | http_hooks.on_play
            SRS_VHOST_HTTP_HOOKS_ON_STOP  | http://a/s                | http_hooks.on_stop
            SRS_VHOST_FORWARD_ENABLED     | on                        | forward.enabled
            SRS_VHOST_FORWARD_DESTINATION | a:1936 b:1937             | forward.destination
            SRS_VHOST_CLUSTER_MODE        | remote                    | cluster.mode
            SRS_VHOST_CLUSTER_ORIGIN      | o1:1935 o2                | cluster.origin
            """)
    void eachVhostVariableSetsItsDirectiveInEveryVhost(String name, String value, String path) throws Exception {
        SrsConfig cfg = parse("listen 1935;\nvhost a { }\nvhost b.com { hls { enabled off; } }\n")
                .withEnvironment(Map.of(name, value));
        List<String> names = new ArrayList<>();
        for (SrsDirective v : cfg.vhosts()) {
            names.add(v.arg(0));
            SrsDirective d = at(v, path);
            assertNotNull(d, v.arg(0) + " " + path);
            boolean list = name.contains("ON_") || name.endsWith("DESTINATION") || name.endsWith("ORIGIN");
            assertEquals(list ? List.of(value.split(" ")) : List.of(value), d.args());
        }
        assertEquals(List.of("a", "b.com", "__defaultVhost__"), names, "__defaultVhost__ added for the variable");
    }

    @Test
    void vhostVariablesReachEveryVhostsConfiguration() throws Exception {
        Translation t = overlay("listen 1935;\nhttp_server { enabled on; }\nvhost a { }\n"
                + "vhost __defaultVhost__ { hls { enabled off; hls_fragment 4; } }\n",
                Map.of("SRS_VHOST_HLS_ENABLED", "on", "SRS_VHOST_HLS_HLS_WINDOW", "30",
                        "SRS_VHOST_PLAY_GOP_CACHE", "off", "SRS_VHOST_HTTP_REMUX_ENABLED", "on"));
        for (String vhost : List.of("a", "__defaultVhost__")) {
            assertEquals(30.0, t.factory(SrsTranslator.HLS_FACTORY_PID, vhost).properties().get("hls_window"), vhost);
            assertEquals(false, t.factory(SrsTranslator.VHOST_FACTORY_PID, vhost).properties().get("gop_cache"));
            assertNotNull(t.factory(SrsTranslator.HTTP_FLV_FACTORY_PID, vhost), vhost);
        }
        assertEquals(4.0, t.factory(SrsTranslator.HLS_FACTORY_PID, "__defaultVhost__").properties().get("hls_fragment"),
                "the file's other values stay");
        assertEquals(10.0, t.factory(SrsTranslator.HLS_FACTORY_PID, "a").properties().get("hls_fragment"));
        assertEquals(List.of(), t.warnings());
    }

    @Test
    void variablesOverrideTheFileWithoutRepeatWarnings() throws Exception {
        Translation t = overlay("""
                listen 1935;
                chunk_size 128;
                chunk_size 256;
                http_server { enabled off; listen 8080; }
                vhost __defaultVhost__ {
                    gop_cache on;
                    queue_length 30;
                    play { time_jitter full; }
                    hls { enabled on; hls_fragment 5; }
                }
                """, Map.of("SRS_LISTEN", "1940", "SRS_CHUNK_SIZE", "4096", "SRS_HTTP_SERVER_ENABLED", "on",
                "SRS_HTTP_SERVER_LISTEN", "8090", "SRS_VHOST_PLAY_GOP_CACHE", "off",
                "SRS_VHOST_PLAY_TIME_JITTER", "zero", "SRS_VHOST_HLS_HLS_FRAGMENT", "2"));
        Map<String, Object> rtmp = t.singleton(SrsTranslator.RTMP_SERVER_PID).properties();
        assertArrayEquals(new String[] {"1940"}, (String[]) rtmp.get("listen"));
        assertEquals(4096, rtmp.get("chunk_size"));
        assertArrayEquals(new String[] {"8090"},
                (String[]) t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "server").properties().get("listen"));
        Map<String, Object> vhost = t.factory(SrsTranslator.VHOST_FACTORY_PID, "__defaultVhost__").properties();
        assertEquals(false, vhost.get("gop_cache"));
        assertEquals(30.0, vhost.get("queue_length"), "the file's SRS 3 place still counts when no variable is set");
        assertEquals("zero", vhost.get("time_jitter"));
        assertEquals(2.0, t.factory(SrsTranslator.HLS_FACTORY_PID, "__defaultVhost__").properties().get("hls_fragment"));
        assertEquals(List.of(), t.warnings(), "the variable replaces the file's directives (and their repeats)");
    }

    @Test
    void theParsedConfigIsNotChangedByTheOverlay() throws Exception {
        SrsConfig file = parse("listen 1935;\nvhost a { hls { hls_fragment 5; } }\n");
        SrsConfig env = file.withEnvironment(Map.of("SRS_LISTEN", "1", "SRS_VHOST_HLS_HLS_FRAGMENT", "2"));
        assertEquals(List.of("1935"), file.root().child("listen").args());
        assertEquals(List.of("5"), at(file.vhost("a"), "hls.hls_fragment").args());
        assertNull(file.vhost("__defaultVhost__"));
        assertEquals(List.of("1"), env.root().child("listen").args());
        assertEquals(List.of("2"), at(env.vhost("a"), "hls.hls_fragment").args());
    }

    @Test
    void envOnlyStartsFromSrsDefaultsWithListen1935() throws Exception {
        Translation empty = SrsTranslator.translate(SrsConfig.fromEnvironment(Map.of()));
        assertArrayEquals(new String[] {"1935"},
                (String[]) empty.singleton(SrsTranslator.RTMP_SERVER_PID).properties().get("listen"));
        assertEquals(List.of("org.fluvia.rtmp.server", "__defaultVhost__"), empty.configurations().stream()
                .map(s -> s.pid() != null ? s.pid() : s.name()).toList());
        assertEquals(List.of(), empty.warnings());

        Translation t = SrsTranslator.translate(SrsConfig.fromEnvironment(Map.of("SRS_LISTEN", "19350",
                "SRS_HTTP_SERVER_ENABLED", "on", "SRS_HTTP_SERVER_LISTEN", "18080",
                "SRS_VHOST_HTTP_REMUX_ENABLED", "on", "SRS_VHOST_HLS_ENABLED", "on",
                "SRS_HTTP_API_ENABLED", "on", "PATH", "/usr/bin")));
        assertArrayEquals(new String[] {"19350"},
                (String[]) t.singleton(SrsTranslator.RTMP_SERVER_PID).properties().get("listen"));
        assertArrayEquals(new String[] {"18080"},
                (String[]) t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "server").properties().get("listen"));
        assertArrayEquals(new String[] {"1985"},
                (String[]) t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "api").properties().get("listen"));
        assertEquals("./objs/nginx/html",
                t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "server").properties().get("dir"));
        assertNotNull(t.factory(SrsTranslator.HTTP_FLV_FACTORY_PID, "__defaultVhost__"));
        assertEquals(10.0, t.factory(SrsTranslator.HLS_FACTORY_PID, "__defaultVhost__").properties().get("hls_fragment"));
        assertEquals(List.of(), t.warnings());
    }

    @Test
    void emptyVariablesAreUnsetAndUnknownOnesWarnOnce() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SRS_LISTEN", "");
        env.put("SRS_CHUNK_SIZE", "  ");
        env.put("SRS_RTC_SERVER_ENABLED", "on");
        env.put("SRS_EMPTY_UNKNOWN", "");
        Translation t = overlay("listen 1945;\n", env);
        assertArrayEquals(new String[] {"1945"},
                (String[]) t.singleton(SrsTranslator.RTMP_SERVER_PID).properties().get("listen"));
        assertEquals(List.of("SRS_RTC_SERVER_ENABLED=on: environment variable SRS_RTC_SERVER_ENABLED is not"
                + " implemented yet; ignored"), t.warnings());
    }

    @Test
    void srsShortLogNamesAreAliasesTheLongNamesWin() throws Exception {
        SrsConfig cfg = parse("listen 1;\n").withEnvironment(Map.of("SRS_LOG_LEVEL", "warn", "SRS_LOG_TANK", "file",
                "SRS_SRS_LOG_TANK", "console", "SRS_LOG_FILE", "./x.log"));
        assertEquals("warn", cfg.global("srs_log_level"));
        assertEquals("console", cfg.global("srs_log_tank"));
        assertEquals("./x.log", cfg.global("srs_log_file"));
    }

    @Test
    void vhostVariablesReplaceSrs3PlacesAndOneLineForward() throws Exception {
        Translation t = overlay("listen 1;\nvhost __defaultVhost__ {\n gop_cache on;\n mode local;\n"
                + " forward x:1;\n}\n", Map.of("SRS_VHOST_PLAY_GOP_CACHE", "off", "SRS_VHOST_CLUSTER_MODE", "remote",
                "SRS_VHOST_CLUSTER_ORIGIN", "o:1935", "SRS_VHOST_FORWARD_ENABLED", "on",
                "SRS_VHOST_FORWARD_DESTINATION", "y:2"));
        assertEquals(false, t.factory(SrsTranslator.VHOST_FACTORY_PID, "__defaultVhost__").properties().get("gop_cache"));
        assertArrayEquals(new String[] {"o:1935"},
                (String[]) t.factory(SrsTranslator.EDGE_FACTORY_PID, "__defaultVhost__").properties().get("origins"));
        assertArrayEquals(new String[] {"y:2"},
                (String[]) t.factory(SrsTranslator.FORWARD_FACTORY_PID, "__defaultVhost__").properties().get("destinations"));
        assertEquals(List.of(), t.warnings());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            SRS_LISTEN                   | abc         | listen          | not a valid address
            SRS_LISTEN                   | 1935 99999  | listen          | PORT from 1 to 65535
            SRS_MAX_CONNECTIONS          | 0           | max_connections | whole number greater than 0
            SRS_CHUNK_SIZE               | 1           | chunk_size      | whole number from 128 to 65536
            SRS_DAEMON                   | yes         | daemon          | on, off
            SRS_SRS_LOG_TANK             | syslog      | srs_log_tank    | console, file
            SRS_SRS_LOG_LEVEL            | debug       | srs_log_level   | verbose, info, trace, warn, error
            SRS_HTTP_API_ENABLED         | maybe       | enabled         | on, off
            SRS_HTTP_API_LISTEN          | 99999       | listen          | PORT from 1 to 65535
            SRS_HTTP_API_CROSSDOMAIN     | 1           | crossdomain     | on, off
            SRS_HTTP_SERVER_ENABLED      | true        | enabled         | on, off
            SRS_HTTP_SERVER_LISTEN       | x:y         | listen          | PORT or IP:PORT
            SRS_VHOST_HTTP_REMUX_ENABLED | 1           | enabled         | on, off
            SRS_VHOST_HTTP_REMUX_MOUNT   | [app]       | mount           | ending in .flv
            SRS_VHOST_HTTP_REMUX_HSTRS   | yes         | hstrs           | on, off
            SRS_VHOST_HLS_ENABLED        | yes         | enabled         | on, off
            SRS_VHOST_HLS_HLS_FRAGMENT   | abc         | hls_fragment    | positive number of seconds
            SRS_VHOST_HLS_HLS_WINDOW     | -1          | hls_window      | positive number of seconds
            SRS_VHOST_HLS_HLS_M3U8_FILE  | a.ts        | hls_m3u8_file   | ending in .m3u8
            SRS_VHOST_HLS_HLS_TS_FILE    | a.m3u8      | hls_ts_file     | ending in .ts
            SRS_VHOST_PLAY_GOP_CACHE     | 1           | gop_cache       | on, off
            SRS_VHOST_PLAY_QUEUE_LENGTH  | 0           | queue_length    | positive number of seconds
            SRS_VHOST_PLAY_TIME_JITTER   | fast        | time_jitter     | full, zero, off
            SRS_VHOST_HTTP_HOOKS_ON_PUBLISH | ftp://x/ | on_publish      | http:// or https:// URL
            SRS_VHOST_FORWARD_DESTINATION | a:b        | destination     | HOST:PORT
            SRS_VHOST_CLUSTER_MODE       | both        | mode            | local, remote
            """)
    void badValueIsAnErrorNamingTheVariable(String name, String value, String directive, String hint) {
        String v = value.replace("\\t", "\t");
        SrsConfigException e = assertThrows(SrsConfigException.class,
                () -> overlay("listen 1935;\nhttp_server { enabled on; listen 8080; }\n", Map.of(name, v)));
        assertEquals(0, e.line());
        assertTrue(e.getMessage().startsWith(name + "=" + v + ": directive '" + directive + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void badValueOfEnvOnlyConfigNamesTheVariableAndSecretsAreMasked() {
        SrsConfigException e = assertThrows(SrsConfigException.class, () -> SrsTranslator.translate(
                SrsConfig.fromEnvironment(Map.of("SRS_VHOST_HLS_HLS_FRAGMENT", "abc"))));
        assertEquals("SRS_VHOST_HLS_HLS_FRAGMENT=abc: directive 'hls_fragment': 'abc' is not valid (use a positive"
                + " number of seconds, e.g. 10 or 2.5)", e.getMessage());
        SrsConfigException secret = assertThrows(SrsConfigException.class, () -> SrsTranslator.translate(
                SrsConfig.fromEnvironment(Map.of("SRS_HTTP_API_ENABLED", "on", "SRS_HTTP_API_AUTH_USERNAME", " ",
                        "SRS_HTTP_API_AUTH_PASSWORD", "hunter2", "SRS_HTTP_API_AUTH_ENABLED", "sure"))));
        assertTrue(secret.getMessage().startsWith("SRS_HTTP_API_AUTH_ENABLED=sure:"), secret.getMessage());
        SrsConfig cfg = assertDoesNotThrow(() -> SrsConfig.fromEnvironment(Map.of("SRS_HTTP_API_AUTH_PASSWORD", "hunter2")));
        assertEquals("SRS_HTTP_API_AUTH_PASSWORD=***", at(cfg.root(), "http_api.auth.password").file());
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }

    @Test
    void everyListedVariableIsDocumentedBySrsNaming() {
        for (String name : SrsEnvironment.variables()) {
            assertTrue(name.matches("SRS_[A-Z0-9_]+"), name);
        }
        assertTrue(SrsEnvironment.variables().containsAll(List.of("SRS_LISTEN", "SRS_MAX_CONNECTIONS",
                "SRS_CHUNK_SIZE", "SRS_DAEMON", "SRS_PID", "SRS_SRS_LOG_TANK", "SRS_SRS_LOG_FILE", "SRS_SRS_LOG_LEVEL",
                "SRS_HTTP_API_ENABLED", "SRS_HTTP_API_LISTEN", "SRS_HTTP_SERVER_ENABLED", "SRS_HTTP_SERVER_LISTEN",
                "SRS_HTTP_SERVER_DIR", "SRS_VHOST_HTTP_REMUX_ENABLED", "SRS_VHOST_HTTP_REMUX_MOUNT",
                "SRS_VHOST_HTTP_REMUX_HSTRS", "SRS_VHOST_HLS_ENABLED", "SRS_VHOST_HLS_HLS_FRAGMENT",
                "SRS_VHOST_HLS_HLS_WINDOW", "SRS_VHOST_HLS_HLS_PATH", "SRS_VHOST_HLS_HLS_M3U8_FILE",
                "SRS_VHOST_HLS_HLS_TS_FILE", "SRS_VHOST_PLAY_GOP_CACHE", "SRS_VHOST_PLAY_QUEUE_LENGTH",
                "SRS_VHOST_PLAY_TIME_JITTER")));
    }
}
