package org.fluvia.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsConfigLoaderTest {

    @TempDir
    Path dir;

    final FakeConfigAdmin cm = new FakeConfigAdmin();

    @Test
    void appliesTheRtmpSingletonAndOneNamedFactoryConfigurationPerVhost() throws Exception {
        Path file = write("listen 1945;\nvhost a.com { play { gop_cache off; } }\n");
        new SrsConfigLoader(cm.proxy(), file.toString()).reload();

        assertEquals(3, cm.store.size());
        assertArrayEquals(new String[] {"1945"}, (String[]) cm.store.get("org.fluvia.rtmp.server").get("listen"));
        assertEquals(false, cm.store.get("org.fluvia.media.core.vhost~a.com").get("gop_cache"));
        assertEquals("org.fluvia.media.core.vhost", cm.factoryPids.get("org.fluvia.media.core.vhost~a.com"));
        assertEquals("srs-config", cm.store.get("org.fluvia.media.core.vhost~__defaultVhost__").get("fluvia.source"));
    }

    @Test
    void reloadDeletesWhatTheFileNoLongerProducesAndKeepsOtherConfigurations() throws Exception {
        Path file = write("listen 1945;\nvhost a.com { }\n");
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString());
        loader.reload();
        cm.store.put("org.example.hand.made", new Hashtable<>(Map.of("x", 1)));

        Files.writeString(file, "listen 1945;\n");
        loader.reload();

        assertNull(cm.store.get("org.fluvia.media.core.vhost~a.com"));
        assertTrue(cm.store.containsKey("org.fluvia.media.core.vhost~__defaultVhost__"));
        assertTrue(cm.store.containsKey("org.example.hand.made"));
    }

    @Test
    void reloadOfAnUnchangedFileUpdatesNothing() throws Exception {
        Path file = write("listen 1945;\n");
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString());
        loader.reload();
        int updates = cm.updates;
        loader.reload();
        assertEquals(2, updates);
        assertEquals(updates, cm.updates);
    }

    @Test
    void aBrokenFileAppliesNothingAndKeepsTheLastGoodConfiguration() throws Exception {
        Path file = write("listen 1945;\n");
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString());
        loader.reload();
        Files.writeString(file, "listen 1946;\nvhost x {\n");
        loader.reload();
        assertArrayEquals(new String[] {"1945"}, (String[]) cm.store.get("org.fluvia.rtmp.server").get("listen"));
        assertEquals(2, cm.store.size());
    }

    @Test
    void withoutAFileTheBuiltInAllInOneDefaultIsApplied() {
        new SrsConfigLoader(cm.proxy(), "").reload();
        Dictionary<String, Object> rtmp = cm.store.get("org.fluvia.rtmp.server");
        assertArrayEquals(new String[] {"1935"}, (String[]) rtmp.get("listen"));
        assertEquals(60000, rtmp.get("chunk_size"));
        assertEquals(1000, rtmp.get("max_connections"));
        assertEquals(true, cm.store.get("org.fluvia.media.core.vhost~__defaultVhost__").get("gop_cache"));
        Dictionary<String, Object> http = cm.store.get("org.fluvia.http.server~server");
        assertArrayEquals(new String[] {"8080"}, (String[]) http.get("listen"));
        assertEquals("org.fluvia.http.server", cm.factoryPids.get("org.fluvia.http.server~server"));
        assertEquals("[vhost]/[app]/[stream].flv", cm.store.get("org.fluvia.http.flv~__defaultVhost__").get("mount"));
        assertEquals("org.fluvia.http.flv", cm.factoryPids.get("org.fluvia.http.flv~__defaultVhost__"));
        assertEquals(10.0, cm.store.get("org.fluvia.hls~__defaultVhost__").get("hls_fragment"));
        assertEquals("org.fluvia.hls", cm.factoryPids.get("org.fluvia.hls~__defaultVhost__"));
        assertArrayEquals(new String[] {"1985"}, (String[]) cm.store.get("org.fluvia.http.server~api").get("listen"));
        assertEquals(true, cm.store.get("org.fluvia.http.api").get("crossdomain"));
        assertEquals(7, cm.store.size());
    }

    @Test
    void turningHlsRemuxAndHttpServerOffDeletesTheirConfigurations() throws Exception {
        Path file = write("listen 1945;\nhttp_server { enabled on; listen 8080; }\n"
                + "vhost a.com { http_remux { enabled on; } hls { enabled on; } }\n");
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString());
        loader.reload();
        assertEquals(6, cm.store.size());
        assertEquals(Boolean.TRUE, cm.store.get("org.fluvia.hls~a.com").get("hls_cleanup"));
        assertEquals(Boolean.FALSE, cm.store.get("org.fluvia.http.flv~a.com").get("hstrs"));

        Files.writeString(file, "listen 1945;\nhttp_server { enabled off; }\n"
                + "vhost a.com { http_remux { enabled on; } hls { enabled off; } }\n");
        loader.reload();
        assertNull(cm.store.get("org.fluvia.http.server~server"));
        assertNull(cm.store.get("org.fluvia.hls~a.com"));
        assertTrue(cm.store.containsKey("org.fluvia.http.flv~a.com"));
        assertEquals(4, cm.store.size());
    }

    static final String FULL = """
            listen 1945;
            http_server { enabled on; listen 8080; }
            http_api { enabled on; listen 1985; }
            vhost a.com {
                hls { enabled on; hls_fragment 10; }
                http_remux { enabled on; }
                security { enabled on; allow publish 127.0.0.1; deny publish all; }
                http_hooks { enabled on; on_publish http://127.0.0.1:8085/api/v1/streams; }
                forward { enabled on; destination 10.0.0.1:1936; }
            }
            vhost b.com { cluster { mode remote; origin 10.0.0.2:1935; } }
            """;

    @Test
    void reloadAppliesOnlyTheConfigurationsThatChanged() throws Exception {
        Path file = write(FULL);
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString());
        assertTrue(loader.reload());
        assertEquals(java.util.List.of("org.fluvia.rtmp.server", "org.fluvia.http.server~server",
                "org.fluvia.http.server~api", "org.fluvia.http.api", "org.fluvia.media.core.vhost~a.com",
                "org.fluvia.media.core.vhost~b.com", "org.fluvia.media.core.vhost~__defaultVhost__",
                "org.fluvia.hls~a.com", "org.fluvia.http.flv~a.com", "org.fluvia.security~a.com",
                "org.fluvia.hooks~a.com", "org.fluvia.forward~a.com", "org.fluvia.edge~b.com"), cm.updated);
        cm.updated.clear();

        Files.writeString(file, FULL.replace("hls_fragment 10", "hls_fragment 4")
                .replace("origin 10.0.0.2:1935", "origin 10.0.0.3:1935")
                .replace("forward { enabled on; destination 10.0.0.1:1936; }", ""));
        assertTrue(loader.reload());
        assertEquals(java.util.List.of("org.fluvia.hls~a.com", "org.fluvia.edge~b.com"), cm.updated,
                "only what changed is updated: the other components keep running untouched");
        assertEquals(java.util.List.of("org.fluvia.forward~a.com"), cm.deleted);
        assertEquals(4.0, cm.store.get("org.fluvia.hls~a.com").get("hls_fragment"));
        assertArrayEquals(new String[] {"10.0.0.3:1935"}, (String[]) cm.store.get("org.fluvia.edge~b.com").get("origins"));
    }

    @Test
    void aBrokenReloadKeepsEveryRunningConfiguration() throws Exception {
        Path file = write(FULL);
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString());
        loader.reload();
        Map<String, Dictionary<String, Object>> before = new LinkedHashMap<>(cm.store);
        cm.updated.clear();
        for (String broken : new String[] {FULL + "}\n", FULL.replace("hls_fragment 10", "hls_fragment ten"),
                "include " + file.getFileName() + ";\n" + FULL, FULL.replace("allow publish", "allow record")}) {
            Files.writeString(file, broken);
            assertEquals(false, loader.reload(), broken);
        }
        assertEquals(before, cm.store);
        assertEquals(java.util.List.of(), cm.updated);
        assertEquals(java.util.List.of(), cm.deleted);
    }

    @Test
    void theEnvironmentIsAppliedOverTheFileAndReadAgainOnReload() throws Exception {
        Path file = write("listen 1945;\nvhost a.com { hls { enabled on; } }\n");
        Map<String, String> env = new java.util.HashMap<>(Map.of("SRS_LISTEN", "1950",
                "SRS_VHOST_HLS_HLS_FRAGMENT", "2"));
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString(), false, () -> env);
        assertTrue(loader.reload());
        assertArrayEquals(new String[] {"1950"}, (String[]) cm.store.get("org.fluvia.rtmp.server").get("listen"));
        assertEquals(2.0, cm.store.get("org.fluvia.hls~a.com").get("hls_fragment"));

        env.put("SRS_VHOST_HLS_HLS_FRAGMENT", "abc");
        assertEquals(false, loader.reload(), "a bad variable is an error like a bad line");
        assertEquals(2.0, cm.store.get("org.fluvia.hls~a.com").get("hls_fragment"));
    }

    @Test
    void aHostBindsEveryBarePortListenOfTheRtmpAndHttpServersAndKeepsExplicitAddresses() throws Exception {
        Path file = write("listen 1945 10.1.1.1:1950;\nhttp_api { enabled on; listen 1995; }\n"
                + "http_server { enabled on; listen 0.0.0.0:8180; }\n"
                + "vhost __defaultVhost__ { forward 10.0.0.1:1946; }\n");
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString(), false, Map::of, " 127.0.0.2 ");
        assertTrue(loader.reload());
        assertArrayEquals(new String[] {"127.0.0.2:1945", "10.1.1.1:1950"},
                (String[]) cm.store.get("org.fluvia.rtmp.server").get("listen"));
        assertArrayEquals(new String[] {"127.0.0.2:1995"}, (String[]) cm.store.get("org.fluvia.http.server~api").get("listen"));
        assertArrayEquals(new String[] {"0.0.0.0:8180"}, (String[]) cm.store.get("org.fluvia.http.server~server").get("listen"));
        assertArrayEquals(new String[] {"10.0.0.1:1946"},
                (String[]) cm.store.get("org.fluvia.forward~__defaultVhost__").get("destinations"),
                "only listen addresses are bound to the host");

        new SrsConfigLoader(cm.proxy(), file.toString(), false, Map::of, "::1").reload();
        assertArrayEquals(new String[] {"[::1]:1945", "10.1.1.1:1950"},
                (String[]) cm.store.get("org.fluvia.rtmp.server").get("listen"));
        new SrsConfigLoader(cm.proxy(), file.toString(), false, Map::of, "").reload();
        assertArrayEquals(new String[] {"1945", "10.1.1.1:1950"},
                (String[]) cm.store.get("org.fluvia.rtmp.server").get("listen"), "no host: as written");
    }

    @Test
    void envOnlyIgnoresTheFileAndStartsFromSrsDefaults() throws Exception {
        Path file = write("listen 1945;\nvhost a.com { }\n");
        SrsConfigLoader loader = new SrsConfigLoader(cm.proxy(), file.toString(), true,
                () -> Map.of("SRS_HTTP_SERVER_ENABLED", "on", "SRS_HTTP_SERVER_LISTEN", "18080",
                        "SRS_VHOST_HTTP_REMUX_ENABLED", "on"));
        assertTrue(loader.reload());
        assertArrayEquals(new String[] {"1935"}, (String[]) cm.store.get("org.fluvia.rtmp.server").get("listen"));
        assertArrayEquals(new String[] {"18080"}, (String[]) cm.store.get("org.fluvia.http.server~server").get("listen"));
        assertTrue(cm.store.containsKey("org.fluvia.http.flv~__defaultVhost__"));
        assertNull(cm.store.get("org.fluvia.media.core.vhost~a.com"));
        assertEquals(4, cm.store.size());
    }

    @Test
    void theLoaderIsTheConfigReloaderServiceTheLauncherCallsByName() throws Exception {
        assertTrue(org.fluvia.config.srs.ConfigReloader.class.isAssignableFrom(SrsConfigLoader.class));
        assertEquals(org.fluvia.config.srs.ConfigReloader.class.getName(), org.fluvia.config.srs.ConfigReloader.SERVICE);
        Path file = write("listen 1945;\n");
        Object loader = new SrsConfigLoader(cm.proxy(), file.toString());
        // what the launcher does: the public method, found on the object's class
        assertEquals(Boolean.TRUE, loader.getClass().getMethod("reload").invoke(loader));
        assertTrue(cm.store.containsKey("org.fluvia.rtmp.server"));
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("fluvia.conf");
        Files.writeString(file, text);
        return file;
    }

    /** Just enough ConfigurationAdmin for the loader: pids, named factory pids, the source filter. */
    static final class FakeConfigAdmin {
        final Map<String, Dictionary<String, Object>> store = new LinkedHashMap<>();
        final Map<String, String> factoryPids = new LinkedHashMap<>();
        /** Every updateIfDifferent that changed something, by pid, in order. */
        final java.util.List<String> updated = new java.util.ArrayList<>();
        final java.util.List<String> deleted = new java.util.ArrayList<>();
        int updates;

        ConfigurationAdmin proxy() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (p, m, args) -> switch (m.getName()) {
                        case "getConfiguration" -> configuration((String) args[0]);
                        case "getFactoryConfiguration" -> {
                            String pid = args[0] + "~" + args[1];
                            factoryPids.put(pid, (String) args[0]);
                            yield configuration(pid);
                        }
                        case "listConfigurations" -> {
                            assertEquals("(fluvia.source=srs-config)", args[0]);
                            yield store.entrySet().stream()
                                    .filter(e -> "srs-config".equals(e.getValue().get("fluvia.source")))
                                    .map(e -> configuration(e.getKey())).toArray(Configuration[]::new);
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        Configuration configuration(String pid) {
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (p, m, args) -> switch (m.getName()) {
                        case "getPid" -> pid;
                        case "getProperties" -> store.get(pid);
                        case "updateIfDifferent" -> {
                            @SuppressWarnings("unchecked")
                            Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                            if (sameContent(store.get(pid), d)) {
                                yield false;
                            }
                            store.put(pid, d);
                            updates++;
                            updated.add(pid);
                            yield true;
                        }
                        case "delete" -> {
                            store.remove(pid);
                            deleted.add(pid);
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        static boolean sameContent(Dictionary<String, Object> a, Dictionary<String, Object> b) {
            if (a == null || a.size() != b.size()) {
                return false;
            }
            for (String key : Collections.list(b.keys())) {
                Object x = a.get(key);
                Object y = b.get(key);
                if (x instanceof Object[] xs && y instanceof Object[] ys ? !java.util.Arrays.equals(xs, ys)
                        : !y.equals(x)) {
                    return false;
                }
            }
            return true;
        }
    }
}
