package org.fluvia.config.srs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** http_api, security, http_hooks, forward, cluster and vhost enabled: SRS blocks beyond the basics. */
class SrsTranslatorBlocksTest {

    static Translation translate(String text) throws SrsConfigException {
        return SrsTranslator.translate(SrsConfigParser.parse(text, "t.conf"));
    }

    static Map<String, Object> factory(Translation t, String factoryPid, String name) {
        ConfigurationSpec s = t.factory(factoryPid, name);
        return s == null ? null : s.properties();
    }

    static List<String> ids(Translation t) {
        return t.configurations().stream().map(s -> s.pid() != null ? s.pid() : s.factoryPid() + "~" + s.name())
                .toList();
    }

    @Test
    void httpApiBecomesTheApiListenerAndTheApiSettings() throws Exception {
        Translation t = translate("""
                listen 1935;
                http_server { enabled on; listen 8080; }
                http_api {
                    enabled on;
                    listen 127.0.0.1:1985;
                    crossdomain off;
                    auth { enabled on; username admin; password "s3 cret"; }
                    raw_api { enabled on; }
                }
                """);
        Map<String, Object> server = factory(t, SrsTranslator.HTTP_SERVER_FACTORY_PID, "api");
        assertEquals("api", server.get("name"));
        assertArrayEquals(new String[] {"127.0.0.1:1985"}, (String[]) server.get("listen"));
        assertEquals("", server.get("dir"));
        assertEquals("srs-config", server.get("fluvia.source"));
        assertEquals(4, server.size());
        assertEquals(Map.of("crossdomain", false, "auth_enabled", true, "auth_username", "admin",
                "auth_password", "s3 cret", "fluvia.source", "srs-config"),
                t.singleton(SrsTranslator.HTTP_API_PID).properties());
        assertEquals(List.of("t.conf:8: directive 'http_api.raw_api' is not implemented yet; ignored"), t.warnings());
        assertEquals(List.of("org.fluvia.rtmp.server", "org.fluvia.http.server~server", "org.fluvia.http.server~api",
                "org.fluvia.http.api", "org.fluvia.media.core.vhost~__defaultVhost__"), ids(t));
    }

    @Test
    void httpApiOffOrAbsentMakesNothingAndDefaultsAreSrss() throws Exception {
        Translation off = translate("listen 1935;\nhttp_api { enabled off; listen 1986; }\n");
        assertNull(off.singleton(SrsTranslator.HTTP_API_PID));
        assertNull(off.factory(SrsTranslator.HTTP_SERVER_FACTORY_PID, "api"));
        Translation on = translate("listen 1935;\nhttp_api { enabled on; }\n");
        assertArrayEquals(new String[] {"1985"},
                (String[]) factory(on, SrsTranslator.HTTP_SERVER_FACTORY_PID, "api").get("listen"));
        assertEquals(Map.of("crossdomain", true, "auth_enabled", false, "auth_username", "", "auth_password", "",
                "fluvia.source", "srs-config"), on.singleton(SrsTranslator.HTTP_API_PID).properties());
    }

    @Test
    void securityRulesKeepFileOrderPerVhost() throws Exception {
        Translation t = translate("""
                listen 1935;
                vhost live.example.com {
                    security {
                        enabled on;
                        allow publish 127.0.0.1;
                        deny publish all;
                        allow play 10.0.0.0/8;
                        deny play 2001:db8::/32;
                        allow play all;
                    }
                }
                vhost __defaultVhost__ { security { enabled off; } }
                """);
        Map<String, Object> live = factory(t, SrsTranslator.SECURITY_FACTORY_PID, "live.example.com");
        assertEquals("live.example.com", live.get("vhost"));
        assertEquals(true, live.get("enabled"));
        assertArrayEquals(new String[] {"allow publish 127.0.0.1", "deny publish all", "allow play 10.0.0.0/8",
                "deny play 2001:db8::/32", "allow play all"}, (String[]) live.get("rules"));
        Map<String, Object> dflt = factory(t, SrsTranslator.SECURITY_FACTORY_PID, "__defaultVhost__");
        assertEquals(false, dflt.get("enabled"));
        assertArrayEquals(new String[0], (String[]) dflt.get("rules"));
        assertEquals(List.of(), t.warnings());
    }

    @Test
    void httpHooksListTheUrlsOfEachCallback() throws Exception {
        Translation t = translate("""
                listen 1935;
                vhost a {
                    http_hooks {
                        enabled on;
                        on_publish http://127.0.0.1:8085/api/v1/streams https://auth.example.com/p;
                        on_unpublish http://127.0.0.1:8085/api/v1/streams;
                        on_play http://127.0.0.1:8085/api/v1/sessions;
                        on_dvr http://127.0.0.1:8085/api/v1/dvrs;
                    }
                }
                """);
        Map<String, Object> hooks = factory(t, SrsTranslator.HOOKS_FACTORY_PID, "a");
        assertEquals("a", hooks.get("vhost"));
        assertEquals(true, hooks.get("enabled"));
        assertArrayEquals(new String[] {"http://127.0.0.1:8085/api/v1/streams", "https://auth.example.com/p"},
                (String[]) hooks.get("on_publish"));
        assertArrayEquals(new String[] {"http://127.0.0.1:8085/api/v1/streams"}, (String[]) hooks.get("on_unpublish"));
        assertArrayEquals(new String[] {"http://127.0.0.1:8085/api/v1/sessions"}, (String[]) hooks.get("on_play"));
        assertArrayEquals(new String[0], (String[]) hooks.get("on_stop"));
        assertEquals(5, hooks.get("timeout"));
        assertEquals(List.of("t.conf:8: directive 'vhost.http_hooks.on_dvr' is not implemented yet; ignored"),
                t.warnings());
        assertNull(factory(t, SrsTranslator.HOOKS_FACTORY_PID, "__defaultVhost__"));
    }

    @Test
    void forwardBlockAndSrs3OneLineForwardPerNamedVhost() throws Exception {
        Translation t = translate("""
                listen 1935;
                vhost a { forward { enabled on; destination 10.0.0.1:1936 origin.example.com [::1]:1937; } }
                vhost b { forward 10.0.0.2:1946 10.0.0.3:1946; }
                vhost c { forward { enabled off; destination 10.0.0.4:1936; } }
                vhost d { forward { enabled on; } }
                """);
        assertArrayEquals(new String[] {"10.0.0.1:1936", "origin.example.com:1935", "[::1]:1937"},
                (String[]) factory(t, SrsTranslator.FORWARD_FACTORY_PID, "a").get("destinations"));
        assertEquals("a", factory(t, SrsTranslator.FORWARD_FACTORY_PID, "a").get("vhost"));
        assertArrayEquals(new String[] {"10.0.0.2:1946", "10.0.0.3:1946"},
                (String[]) factory(t, SrsTranslator.FORWARD_FACTORY_PID, "b").get("destinations"));
        assertNull(factory(t, SrsTranslator.FORWARD_FACTORY_PID, "c"));
        assertNull(factory(t, SrsTranslator.FORWARD_FACTORY_PID, "d"));
        assertEquals(List.of("t.conf:5: directive 'vhost.forward' is on but has no destination; nothing is forwarded"
                + " (add e.g. 'destination 127.0.0.1:1936;')"), t.warnings());
    }

    @Test
    void clusterModeRemoteMakesAnEdgeAndTheSrs3PlaceWorksToo() throws Exception {
        Translation t = translate("""
                listen 1935;
                vhost a { cluster { mode remote; origin 10.0.0.1:1935 10.0.0.2; token_traverse on; } }
                vhost b { mode remote; origin 10.0.0.3:19350; }
                vhost c { cluster { mode local; origin 10.0.0.4; } }
                vhost d {
                    cluster { mode remote; origin 10.0.0.5; }
                    origin 10.0.0.6;
                }
                """);
        assertEquals(Map.of("vhost", "a", "fluvia.source", "srs-config"),
                withoutArray(factory(t, SrsTranslator.EDGE_FACTORY_PID, "a"), "origins"));
        assertArrayEquals(new String[] {"10.0.0.1:1935", "10.0.0.2:1935"},
                (String[]) factory(t, SrsTranslator.EDGE_FACTORY_PID, "a").get("origins"));
        assertArrayEquals(new String[] {"10.0.0.3:19350"},
                (String[]) factory(t, SrsTranslator.EDGE_FACTORY_PID, "b").get("origins"));
        assertNull(factory(t, SrsTranslator.EDGE_FACTORY_PID, "c"));
        assertArrayEquals(new String[] {"10.0.0.5:1935"},
                (String[]) factory(t, SrsTranslator.EDGE_FACTORY_PID, "d").get("origins"));
        assertEquals(List.of("t.conf:2: directive 'vhost.cluster.token_traverse' is not implemented yet; ignored",
                "t.conf:7: directive 'origin' is also set in 'cluster' at t.conf:6; that one is used"), t.warnings());
    }

    private static Map<String, Object> withoutArray(Map<String, Object> p, String key) {
        Map<String, Object> copy = new java.util.HashMap<>(p);
        assertTrue(copy.remove(key) instanceof String[], key);
        return copy;
    }

    @Test
    void aDisabledVhostProducesNothing() throws Exception {
        Translation t = translate("""
                listen 1935;
                http_server { enabled on; }
                vhost off.example.com {
                    enabled off;
                    hls { enabled on; }
                    http_remux { enabled on; }
                    forward 10.0.0.1:1936;
                    cluster { mode remote; origin 10.0.0.2; }
                }
                vhost on.example.com { enabled on; hls { enabled on; } }
                """);
        assertFalse(ids(t).stream().anyMatch(id -> id.endsWith("~off.example.com")), ids(t).toString());
        assertEquals(List.of("org.fluvia.rtmp.server", "org.fluvia.http.server~server",
                "org.fluvia.media.core.vhost~on.example.com", "org.fluvia.media.core.vhost~__defaultVhost__",
                "org.fluvia.hls~on.example.com"), ids(t));
        assertEquals(List.of(), t.warnings());
        // disabling __defaultVhost__ leaves the node without it (unknown vhosts are refused)
        Translation noDefault = translate("listen 1935;\nvhost __defaultVhost__ { enabled off; }\n");
        assertEquals(List.of("org.fluvia.rtmp.server"), ids(noDefault));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http_api { enabled sure; }                                   | 2 | enabled      | on, off
            http_api { listen 1935; enabled on; }                        | 2 | listen       | also the RTMP address '1935'
            http_api on;                                                 | 2 | http_api     | without arguments
            http_api { listen 1985 1986; }                               | 2 | listen       | exactly one address
            http_api { crossdomain 1; }                                  | 2 | crossdomain  | on, off
            http_api { auth { enabled 1; } }                             | 2 | enabled      | on, off
            http_api { auth { username; } }                              | 2 | username     | needs a value
            vhost v { security { allow publish; } }                      | 2 | allow        | a method and a target
            vhost v { security { deny record all; } }                    | 2 | deny         | use publish or play
            vhost v { security { allow play 300.1.1.1; } }               | 2 | allow        | not all, an IP address or a CIDR
            vhost v { security { allow play 10.0.0.0/33; } }             | 2 | allow        | not all, an IP address or a CIDR
            vhost v { security { allow play example.com; } }             | 2 | allow        | not all, an IP address or a CIDR
            vhost v { security { allow play ::1/129; } }                 | 2 | allow        | not all, an IP address or a CIDR
            vhost v { security { enabled yes; } }                        | 2 | enabled      | on, off
            vhost v { http_hooks { on_publish ftp://x/; } }              | 2 | on_publish   | http:// or https:// URL
            vhost v { http_hooks { on_play 127.0.0.1:8085/api; } }       | 2 | on_play      | http:// or https:// URL
            vhost v { http_hooks { on_stop; } }                          | 2 | on_stop      | at least one URL
            vhost v { http_hooks { on_unpublish http://; } }             | 2 | on_unpublish | http:// or https:// URL
            vhost v { forward a:0; }                                     | 2 | forward      | PORT from 1 to 65535
            vhost v { forward; }                                         | 2 | forward      | at least one destination
            vhost v { forward { destination a:b:c; } }                   | 2 | destination  | HOST:PORT
            vhost v { forward { destination; } }                         | 2 | destination  | at least one HOST:PORT
            vhost v { cluster { mode edge; } }                           | 2 | mode         | local, remote
            vhost v { cluster { mode remote; } }                         | 2 | mode         | needs the origin servers
            vhost v { mode remote; }                                     | 2 | mode         | needs the origin servers
            vhost v { cluster { origin a/b:1; } }                        | 2 | origin       | HOST:PORT
            vhost v { enabled maybe; }                                   | 2 | enabled      | on, off
            """)
    void badValueIsAnErrorNamingFileLineAndDirective(String bad, int line, String directive, String hint) {
        SrsConfigException e = assertThrows(SrsConfigException.class, () -> translate("listen 1935;\n" + bad + "\n"));
        assertEquals(line, e.line());
        assertTrue(e.getMessage().startsWith("t.conf:" + line + ": directive '" + directive + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
    }

    @Test
    void httpApiMustNotShareTheHttpServersAddress() {
        SrsConfigException e = assertThrows(SrsConfigException.class, () -> translate(
                "listen 1935;\nhttp_server { enabled on; listen 8080; }\nhttp_api {\n enabled on;\n listen 8080;\n}\n"));
        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("also the http_server address at t.conf:2"), e.getMessage());
    }

    @Test
    void masterSeedForwardsToBothSlaves() throws Exception {
        Translation t = SrsTranslator.translate(SrsConfigParser.parse(
                java.nio.file.Path.of("src/test/resources/seed/master.conf")));
        assertArrayEquals(new String[] {"10.*.72.62:1946", "10.*.62.116:1946"},
                (String[]) factory(t, SrsTranslator.FORWARD_FACTORY_PID, "__defaultVhost__").get("destinations"));
        assertArrayEquals(new String[] {"1995"},
                (String[]) factory(t, SrsTranslator.HTTP_SERVER_FACTORY_PID, "api").get("listen"));
        assertNull(factory(t, SrsTranslator.EDGE_FACTORY_PID, "__defaultVhost__"));
    }
}
