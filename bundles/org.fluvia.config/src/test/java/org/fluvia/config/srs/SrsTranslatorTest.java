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

    static Map<String, Object> httpServer(Translation t) {
        return t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "server").properties();
    }

    static Map<String, Object> flv(Translation t, String vhost) {
        return t.factory(SrsTranslator.HTTP_FLV_FACTORY_PID, vhost).properties();
    }

    static Map<String, Object> hls(Translation t, String vhost) {
        return t.factory(SrsTranslator.HLS_FACTORY_PID, vhost).properties();
    }

    @Test
    void masterSeedListensOn1945AndWarnsOncePerUnimplementedDirective() throws Exception {
        Translation t = seed("master.conf");
        String f = seedFile("master.conf");
        assertArrayEquals(new String[] {"1945"}, (String[]) rtmp(t).get("listen"));
        assertEquals(1000, rtmp(t).get("max_connections"));
        assertEquals(60000, rtmp(t).get("chunk_size"));
        assertEquals(6, t.configurations().size());
        assertEquals(true, vhost(t, "__defaultVhost__").get("gop_cache"));
        assertArrayEquals(new String[] {"8180"}, (String[]) httpServer(t).get("listen"));
        assertArrayEquals(new String[] {"1995"}, (String[]) t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "api")
                .properties().get("listen"));
        assertEquals(true, t.singleton(SrsTranslator.HTTP_API_PID).properties().get("crossdomain"));
        ConfigurationSpec forward = t.factory(SrsTranslator.FORWARD_FACTORY_PID, "__defaultVhost__");
        assertEquals("__defaultVhost__", forward.properties().get("vhost"));
        assertArrayEquals(new String[] {"10.*.72.62:1946", "10.*.62.116:1946"},
                (String[]) forward.properties().get("destinations"));
        assertEquals(List.of(
                f + ":3: directive 'pid' is not terminated by ';' (accepted; SRS itself rejects this)",
                f + ":18: directive 'stats' is not implemented yet; ignored"), t.warnings());
    }

    @Test
    void slaveSeedHasAnEmptyDefaultVhostWithDefaults() throws Exception {
        Translation t = seed("slave.conf");
        assertArrayEquals(new String[] {"1946"}, (String[]) rtmp(t).get("listen"));
        assertEquals(Map.of("vhost", "__defaultVhost__", "gop_cache", true, "queue_length", 10.0,
                "time_jitter", "full", "fluvia.source", "srs-config"), vhost(t, "__defaultVhost__"));
        assertArrayEquals(new String[] {"8181"}, (String[]) httpServer(t).get("listen"));
        assertEquals("./objs/nginx/html", httpServer(t).get("dir"));
        assertEquals(5, t.configurations().size()); // rtmp, http server, api server, api, vhost
        assertEquals(2, t.warnings().size()); // pid's ';', stats
        assertNull(t.factory(SrsTranslator.FORWARD_FACTORY_PID, "__defaultVhost__"));
        assertNull(t.factory(SrsTranslator.EDGE_FACTORY_PID, "__defaultVhost__"));
    }

    @Test
    void edgeSeedServesHttpFlvHlsTheApiAndPullsFromItsOrigins() throws Exception {
        Translation t = seed("edge.conf");
        String f = seedFile("edge.conf");
        assertArrayEquals(new String[] {"1947"}, (String[]) rtmp(t).get("listen"));

        ConfigurationSpec http = t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "server");
        assertNull(http.pid());
        assertEquals("server", http.properties().get("name"));
        assertArrayEquals(new String[] {"8182"}, (String[]) http.properties().get("listen"));
        assertEquals("./objs/nginx/html", http.properties().get("dir"));
        assertEquals(4, http.properties().size());

        assertEquals(Map.of("vhost", "__defaultVhost__", "mount", "[vhost]/[app]/[stream].flv", "hstrs", true,
                "fluvia.source", "srs-config"), flv(t, "__defaultVhost__"));

        Map<String, Object> hls = hls(t, "__defaultVhost__");
        assertEquals(10.0, hls.get("hls_fragment"));
        assertEquals(60.0, hls.get("hls_window"));
        assertEquals("./objs/nginx/html", hls.get("hls_path"));
        assertEquals(1.5, hls.get("hls_td_ratio"));
        assertEquals("[app]/[stream]-[seq].ts", hls.get("hls_ts_file"));

        assertEquals(List.of("org.fluvia.rtmp.server", "org.fluvia.http.server~server",
                "org.fluvia.http.server~api", "org.fluvia.http.api",
                "org.fluvia.media.core.vhost~__defaultVhost__", "org.fluvia.http.flv~__defaultVhost__",
                "org.fluvia.hls~__defaultVhost__", "org.fluvia.edge~__defaultVhost__"), t.configurations().stream()
                .map(s -> s.pid() != null ? s.pid() : s.factoryPid() + "~" + s.name()).toList());
        assertEquals(Map.of("name", "api", "dir", "", "fluvia.source", "srs-config"),
                withoutListen(t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "api").properties()));
        assertArrayEquals(new String[] {"1997"}, (String[]) t.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "api")
                .properties().get("listen"));
        assertEquals(Map.of("crossdomain", true, "auth_enabled", false, "auth_username", "", "auth_password", "",
                "fluvia.source", "srs-config"), t.singleton(SrsTranslator.HTTP_API_PID).properties());
        Map<String, Object> edge = t.factory(SrsTranslator.EDGE_FACTORY_PID, "__defaultVhost__").properties();
        assertEquals("__defaultVhost__", edge.get("vhost"));
        assertArrayEquals(new String[] {"10.*.72.62:1945", "10.*.62.116:1945", "10.*.72.62:1946", "10.*.62.116:1946"},
                (String[]) edge.get("origins"));
        assertEquals(List.of(
                f + ":3: directive 'pid' is not terminated by ';' (accepted; SRS itself rejects this)",
                f + ":18: directive 'stats' is not implemented yet; ignored"), t.warnings());
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
                vhost a { refer x; refer y; play { mr on; } }
                vhost b { refer z; }
                rtc_server { enabled off; }
                """);
        assertEquals(List.of(
                "t.conf:2: directive 'rtc_server' is not implemented yet; ignored",
                "t.conf:3: directive 'vhost.refer' is not implemented yet; ignored",
                "t.conf:3: directive 'vhost.play.mr' is not implemented yet; ignored"), t.warnings());
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
            http_server;                           | 2 | http_server  | http_server { ... }' without arguments
            http_server { enabled yes; }           | 2 | enabled      | on, off
            http_server { listen 0; }              | 2 | listen       | PORT from 1 to 65535
            http_server { listen 65536; }          | 2 | listen       | PORT from 1 to 65535
            http_server { listen x:80a; }          | 2 | listen       | PORT or IP:PORT
            http_server { listen 8080 8081; }      | 2 | listen       | exactly one address
            http_server { dir a b; }               | 2 | dir          | exactly one value
            http_server { enabled on; listen 1935; } | 2 | listen     | also the RTMP address '1935' at t.conf:1
            vhost v { http_remux on; }             | 2 | http_remux   | http_remux { ... }' without arguments
            vhost v { http_remux { enabled 1; } }  | 2 | enabled      | on, off
            vhost v { http_remux { hstrs true; } } | 2 | hstrs        | on, off
            vhost v { http_remux { mount [app]/[stream]; } } | 2 | mount | ending in .flv
            vhost v { http_remux { mount; } }      | 2 | mount        | needs a value
            vhost v { hls { enabled onn; } }       | 2 | enabled      | on, off
            vhost v { hls { hls_fragment 0; } }    | 2 | hls_fragment | positive number of seconds
            vhost v { hls { hls_fragment -2; } }   | 2 | hls_fragment | positive number of seconds
            vhost v { hls { hls_fragment ten; } }  | 2 | hls_fragment | positive number of seconds
            vhost v { hls { hls_fragment 10s; } }  | 2 | hls_fragment | positive number of seconds
            vhost v { hls { hls_window 0; } }      | 2 | hls_window   | positive number of seconds
            vhost v { hls { hls_window 5; } }      | 2 | hls_window   | hls_window 5 is shorter than hls_fragment 10
            vhost v { hls { hls_fragment 90; } }   | 2 | hls_fragment | hls_window 60 is shorter than hls_fragment 90
            vhost v { hls { hls_td_ratio 0.5; } }  | 2 | hls_td_ratio | ratio of at least 1
            vhost v { hls { hls_td_ratio x; } }    | 2 | hls_td_ratio | ratio of at least 1
            vhost v { hls { hls_wait_keyframe 1; } } | 2 | hls_wait_keyframe | on, off
            vhost v { hls { hls_cleanup no; } }    | 2 | hls_cleanup  | on, off
            vhost v { hls { hls_dispose -1; } }    | 2 | hls_dispose  | number of seconds, 0 or more
            vhost v { hls { hls_path; } }          | 2 | hls_path     | needs a value
            vhost v { hls { hls_m3u8_file [app]/[stream].ts; } } | 2 | hls_m3u8_file | ending in .m3u8
            vhost v { hls { hls_ts_file [app]/[stream]; } } | 2 | hls_ts_file | ending in .ts
            vhost v { hls { hls_ts_file [app]/.ts; } } | 2 | hls_ts_file | ending in .ts
            vhost v { hls { enabled off; hls_fragment 0; } } | 2 | hls_fragment | positive number of seconds
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

    @Test
    void httpServerHlsAndRemuxDefaultsAreSrsDefaults() throws Exception {
        Translation t = translate("""
                listen 1935;
                http_server { enabled on; }
                vhost v {
                    http_remux { enabled on; }
                    hls { enabled on; }
                }
                """);
        assertEquals(Map.of("name", "server", "dir", "./objs/nginx/html", "fluvia.source", "srs-config"),
                withoutListen(httpServer(t)));
        assertArrayEquals(new String[] {"8080"}, (String[]) httpServer(t).get("listen"));
        assertEquals(Map.of("vhost", "v", "mount", "[vhost]/[app]/[stream].flv", "hstrs", false,
                "fluvia.source", "srs-config"), flv(t, "v"));
        assertEquals(Map.ofEntries(Map.entry("vhost", "v"), Map.entry("hls_fragment", 10.0),
                Map.entry("hls_window", 60.0), Map.entry("hls_td_ratio", 1.5),
                Map.entry("hls_wait_keyframe", true), Map.entry("hls_path", "./objs/nginx/html"),
                Map.entry("hls_m3u8_file", "[app]/[stream].m3u8"),
                Map.entry("hls_ts_file", "[app]/[stream]-[seq].ts"), Map.entry("hls_cleanup", true),
                Map.entry("hls_dispose", 120.0), Map.entry("fluvia.source", "srs-config")), hls(t, "v"));
        assertEquals(List.of(), t.warnings());
        assertNull(t.factory(SrsTranslator.HTTP_FLV_FACTORY_PID, "__defaultVhost__"));
        assertNull(t.factory(SrsTranslator.HLS_FACTORY_PID, "__defaultVhost__"));
    }

    private static Map<String, Object> withoutListen(Map<String, Object> p) {
        Map<String, Object> copy = new java.util.HashMap<>(p);
        copy.remove("listen");
        return copy;
    }

    @Test
    void everyHlsAndRemuxValueIsTranslatedWithItsType() throws Exception {
        Translation t = translate("""
                listen 1935;
                http_server { enabled on; listen 127.0.0.1:8088; dir /var/www; }
                vhost live {
                    http_remux { enabled on; mount /[app]/[stream].flv; hstrs off; }
                    hls {
                        enabled on;
                        hls_fragment 2.5;
                        hls_window 2.5;
                        hls_td_ratio 2;
                        hls_wait_keyframe off;
                        hls_path /var/www/hls;
                        hls_m3u8_file [vhost]/[app]/[stream]/index.m3u8;
                        hls_ts_file [vhost]/[app]/[stream]/[timestamp].ts;
                        hls_cleanup off;
                        hls_dispose 0;
                    }
                }
                """);
        assertArrayEquals(new String[] {"127.0.0.1:8088"}, (String[]) httpServer(t).get("listen"));
        assertEquals("/var/www", httpServer(t).get("dir"));
        assertEquals("/[app]/[stream].flv", flv(t, "live").get("mount"));
        assertEquals(Boolean.FALSE, flv(t, "live").get("hstrs"));
        Map<String, Object> hls = hls(t, "live");
        assertEquals(Double.valueOf(2.5), hls.get("hls_fragment"));
        assertEquals(Double.valueOf(2.5), hls.get("hls_window"));
        assertEquals(Double.valueOf(2.0), hls.get("hls_td_ratio"));
        assertEquals(Boolean.FALSE, hls.get("hls_wait_keyframe"));
        assertEquals("/var/www/hls", hls.get("hls_path"));
        assertEquals("[vhost]/[app]/[stream]/index.m3u8", hls.get("hls_m3u8_file"));
        assertEquals("[vhost]/[app]/[stream]/[timestamp].ts", hls.get("hls_ts_file"));
        assertEquals(Boolean.FALSE, hls.get("hls_cleanup"));
        assertEquals(Double.valueOf(0.0), hls.get("hls_dispose"));
        assertEquals("live", t.factory(SrsTranslator.HLS_FACTORY_PID, "live").name());
        assertEquals(List.of(), t.warnings());
    }

    @Test
    void disabledOrAbsentBlocksMakeNothing() throws Exception {
        Translation t = translate("""
                listen 1935;
                http_server { enabled off; listen 8080; }
                vhost a { http_remux { mount [vhost]/[app]/[stream].flv; } hls { hls_fragment 5; } }
                vhost b { http_remux { enabled off; } hls { enabled off; } }
                """);
        assertEquals(List.of("org.fluvia.rtmp.server", "a", "b", "__defaultVhost__"), t.configurations().stream()
                .map(s -> s.pid() != null ? s.pid() : s.name()).toList());
        assertEquals(List.of(), t.warnings());
        assertNull(translate("listen 1935;\n").factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "server"));
    }

    @Test
    void otherHlsAndRemuxDirectivesWarnOnceEach() throws Exception {
        Translation t = translate("""
                listen 1935;
                http_server { enabled on; crossdomain on; }
                vhost a {
                    hls {
                        enabled on;
                        hls_entry_prefix http://cdn/;
                        hls_acodec aac;
                        hls_vcodec h264;
                        hls_keys on;
                        hls_fragment 4;
                        hls_fragment 6;
                    }
                    http_remux { enabled on; fast_cache 30; }
                }
                vhost b { hls { hls_acodec mp3; hls_nb_notify 64; hls_on_error ignore; } }
                """);
        assertEquals(List.of(
                "t.conf:2: directive 'http_server.crossdomain' is not implemented yet; ignored",
                "t.conf:6: directive 'vhost.hls.hls_entry_prefix' is not implemented yet; ignored",
                "t.conf:7: directive 'vhost.hls.hls_acodec' is not implemented yet; ignored",
                "t.conf:8: directive 'vhost.hls.hls_vcodec' is not implemented yet; ignored",
                "t.conf:9: directive 'vhost.hls.hls_keys' is not implemented yet; ignored",
                "t.conf:11: directive 'hls_fragment' is repeated; the first one at t.conf:10 is used",
                "t.conf:13: directive 'vhost.http_remux.fast_cache' is not implemented yet; ignored",
                "t.conf:15: directive 'vhost.hls.hls_nb_notify' is not implemented yet; ignored",
                "t.conf:15: directive 'vhost.hls.hls_on_error' is not implemented yet; ignored"), t.warnings());
        assertEquals(4.0, hls(t, "a").get("hls_fragment"));
    }

    @Test
    void remuxToAnotherFormatThanFlvOnlyWarns() throws Exception {
        Translation t = translate("listen 1935;\nhttp_server { enabled on; }\n"
                + "vhost a { http_remux { enabled on; mount [vhost]/[app]/[stream].ts; } }\n");
        assertNull(t.factory(SrsTranslator.HTTP_FLV_FACTORY_PID, "a"));
        assertEquals(List.of("t.conf:3: directive 'vhost.http_remux.mount': remuxing to '.ts' is not implemented"
                + " yet (only .flv); http_remux of vhost 'a' ignored"), t.warnings());
    }

    @Test
    void remuxWithoutAnHttpServerWarns() throws Exception {
        Translation t = translate("listen 1935;\nvhost a {\n  http_remux { enabled on; }\n}\n");
        assertEquals("[vhost]/[app]/[stream].flv", flv(t, "a").get("mount"));
        assertEquals(List.of("t.conf:3: directive 'vhost.http_remux' is on but http_server is not enabled, so"
                + " nothing serves it (add 'http_server { enabled on; listen 8080; }')"), t.warnings());
    }

    @Test
    void httpServerMayShareTheRtmpPortOnAnotherAddress() throws Exception {
        Translation t = translate("listen 10.0.0.1:1935;\nhttp_server { enabled on; listen 10.0.0.2:1935; }\n");
        assertArrayEquals(new String[] {"10.0.0.2:1935"}, (String[]) httpServer(t).get("listen"));
        SrsConfigException e = assertThrows(SrsConfigException.class,
                () -> translate("listen 0.0.0.0:1935;\nhttp_server {\n enabled on;\n listen 127.0.0.1:1935;\n}\n"));
        assertEquals(4, e.line());
    }

    @Test
    void builtInDefaultTranslatesWithoutWarnings() throws Exception {
        String text = new String(SrsTranslator.class.getResourceAsStream("/org/fluvia/config/default.conf")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Translation t = SrsTranslator.translate(SrsConfigParser.parse(text, "default.conf"));
        assertEquals(List.of(), t.warnings());
        assertArrayEquals(new String[] {"1935"}, (String[]) rtmp(t).get("listen"));
        assertArrayEquals(new String[] {"8080"}, (String[]) httpServer(t).get("listen"));
        assertEquals("[vhost]/[app]/[stream].flv", flv(t, "__defaultVhost__").get("mount"));
        assertEquals(10.0, hls(t, "__defaultVhost__").get("hls_fragment"));
        assertEquals(60.0, hls(t, "__defaultVhost__").get("hls_window"));
        assertEquals("./objs/nginx/html", hls(t, "__defaultVhost__").get("hls_path"));
        // RTMP server, vhost, HTTP server, HTTP-FLV, HLS, and the HTTP API (its listener and its settings)
        assertEquals(7, t.configurations().size());
        assertTrue(t.configurations().stream().anyMatch(c -> "api".equals(c.name()) && "org.fluvia.http.server".equals(c.factoryPid())
                && java.util.Arrays.equals(new String[] {"1985"}, (String[]) c.properties().get("listen"))), "the API listens on 1985");
    }

    @Test
    void playMwLatencyBecomesTheHubsBatchingWindow() throws Exception {
        Translation t = SrsTranslator.translate(SrsConfigParser.parse(
                "listen 1935;\nvhost __defaultVhost__ { play { mw_latency 350; } }\nvhost b.com { }\n", "mw.conf"));
        assertEquals(List.of(), t.warnings());
        java.util.Map<String, Object> a = t.configurations().stream().filter(c -> "__defaultVhost__".equals(c.name())
                && "org.fluvia.media.core.vhost".equals(c.factoryPid())).findFirst().orElseThrow().properties();
        assertEquals(350, a.get("mw_latency"));
        java.util.Map<String, Object> b = t.configurations().stream().filter(c -> "b.com".equals(c.name())
                && "org.fluvia.media.core.vhost".equals(c.factoryPid())).findFirst().orElseThrow().properties();
        assertNull(b.get("mw_latency"), "absent: the hub's low-latency default applies");
        SrsConfigException e = org.junit.jupiter.api.Assertions.assertThrows(SrsConfigException.class, () -> SrsTranslator.translate(
                SrsConfigParser.parse("listen 1935;\nvhost v { play { mw_latency -5; } }\n", "bad.conf")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("bad.conf:2") && e.getMessage().contains("mw_latency"), e.getMessage());
    }
}
