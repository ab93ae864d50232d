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
        assertEquals(5, cm.store.size());
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

    private Path write(String text) throws Exception {
        Path file = dir.resolve("fluvia.conf");
        Files.writeString(file, text);
        return file;
    }

    /** Just enough ConfigurationAdmin for the loader: pids, named factory pids, the source filter. */
    static final class FakeConfigAdmin {
        final Map<String, Dictionary<String, Object>> store = new LinkedHashMap<>();
        final Map<String, String> factoryPids = new LinkedHashMap<>();
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
                            yield true;
                        }
                        case "delete" -> {
                            store.remove(pid);
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
