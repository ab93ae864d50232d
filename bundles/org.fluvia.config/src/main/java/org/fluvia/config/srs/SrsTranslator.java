package org.fluvia.config.srs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Translates a parsed SRS configuration into the Configuration Admin configurations Fluvia uses. */
public final class SrsTranslator {

    /** Singleton pid of the RTMP server. */
    public static final String RTMP_SERVER_PID = "org.fluvia.rtmp.server";
    /** Factory pid of the per-vhost hub settings; the configuration's name is the vhost. */
    public static final String VHOST_FACTORY_PID = "org.fluvia.media.core.vhost";
    /** Factory pid of the HTTP server; the configuration's name is {@link #HTTP_SERVER_NAME}. */
    public static final String HTTP_SERVER_FACTORY_PID = "org.fluvia.http.server";
    public static final String HTTP_SERVER_NAME = "server";
    /** Factory pid of a vhost's HTTP-FLV remux ({@code vhost.http_remux}); the name is the vhost. */
    public static final String HTTP_FLV_FACTORY_PID = "org.fluvia.http.flv";
    /** Factory pid of a vhost's HLS packager ({@code vhost.hls}); the name is the vhost. */
    public static final String HLS_FACTORY_PID = "org.fluvia.hls";
    /** Property on every produced configuration, so the loader can find what it made earlier. */
    public static final String SOURCE_KEY = "fluvia.source";
    public static final String SOURCE_VALUE = "srs-config";
    public static final String DEFAULT_VHOST = "__defaultVhost__";

    public static final int DEFAULT_CHUNK_SIZE = 60000;
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final boolean DEFAULT_GOP_CACHE = true;
    public static final double DEFAULT_QUEUE_LENGTH = 10.0;
    public static final String DEFAULT_TIME_JITTER = "full";

    public static final String DEFAULT_HTTP_LISTEN = "8080";
    public static final String DEFAULT_HTTP_DIR = "./objs/nginx/html";
    public static final String DEFAULT_FLV_MOUNT = "[vhost]/[app]/[stream].flv";
    public static final boolean DEFAULT_HSTRS = false;
    public static final double DEFAULT_HLS_FRAGMENT = 10.0;
    public static final double DEFAULT_HLS_WINDOW = 60.0;
    public static final double DEFAULT_HLS_TD_RATIO = 1.5;
    public static final boolean DEFAULT_HLS_WAIT_KEYFRAME = true;
    public static final String DEFAULT_HLS_PATH = "./objs/nginx/html";
    public static final String DEFAULT_HLS_M3U8_FILE = "[app]/[stream].m3u8";
    public static final String DEFAULT_HLS_TS_FILE = "[app]/[stream]-[seq].ts";
    public static final boolean DEFAULT_HLS_CLEANUP = true;
    public static final double DEFAULT_HLS_DISPOSE = 120.0;

    private static final List<String> LOG_TANKS = List.of("console", "file");
    private static final List<String> LOG_LEVELS = List.of("verbose", "info", "trace", "warn", "error");
    private static final List<String> TIME_JITTERS = List.of("full", "zero", "off");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?|\\.[0-9]{1,9}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    /** The directives of {@code vhost.hls} that are implemented; SRS's other hls_* only warn. */
    private static final Set<String> HLS_DIRECTIVES = Set.of("enabled", "hls_fragment", "hls_window",
            "hls_td_ratio", "hls_wait_keyframe", "hls_path", "hls_m3u8_file", "hls_ts_file", "hls_cleanup",
            "hls_dispose");
    /** Remux formats SRS picks by the mount's extension; only FLV is implemented. */
    private static final List<String> REMUX_EXTENSIONS = List.of(".flv", ".ts", ".aac", ".mp3");

    private SrsTranslator() {
    }

    /** Validates {@code cfg} and produces its configurations; unimplemented directives only warn. */
    public static Translation translate(SrsConfig cfg) throws SrsConfigException {
        return new Run(cfg).translate();
    }

    private record Vhost(ConfigurationSpec spec, List<ConfigurationSpec> services) {
    }

    /** A parsed http_server block: {@code spec} is null when it is not enabled. */
    private record HttpServer(ConfigurationSpec spec, String listen, SrsDirective listenAt) {
    }

    /** One translation: collects warnings, each unimplemented directive path reported once. */
    private static final class Run {
        final SrsConfig cfg;
        final List<String> warnings;
        final Set<String> warnedPaths = new HashSet<>();
        /** The enabled http_remux blocks, checked against http_server at the end. */
        final List<SrsDirective> remuxOn = new ArrayList<>();

        Run(SrsConfig cfg) {
            this.cfg = cfg;
            this.warnings = new ArrayList<>(cfg.warnings());
        }

        Translation translate() throws SrsConfigException {
            String[] listen = null;
            SrsDirective listenAt = null;
            int chunkSize = DEFAULT_CHUNK_SIZE;
            int maxConnections = DEFAULT_MAX_CONNECTIONS;
            HttpServer httpServer = null;
            List<ConfigurationSpec> vhosts = new ArrayList<>();
            List<ConfigurationSpec> services = new ArrayList<>();
            Map<String, SrsDirective> vhostNames = new HashMap<>();

            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective d : cfg.root().children()) {
                switch (d.name()) {
                    case "listen" -> {
                        if (first(seen, d)) {
                            listen = listen(d);
                            listenAt = d;
                        }
                    }
                    case "max_connections" -> {
                        if (first(seen, d)) {
                            maxConnections = wholeNumber(d, 1, Integer.MAX_VALUE);
                        }
                    }
                    case "chunk_size" -> {
                        if (first(seen, d)) {
                            chunkSize = wholeNumber(d, 128, 65536);
                        }
                    }
                    case "daemon" -> {
                        if (first(seen, d)) {
                            onOff(d);
                        }
                    }
                    case "pid", "srs_log_file", "ff_log_dir" -> {
                        if (first(seen, d)) {
                            single(d);
                        }
                    }
                    case "srs_log_tank" -> {
                        if (first(seen, d)) {
                            oneOf(d, LOG_TANKS);
                        }
                    }
                    case "srs_log_level" -> {
                        if (first(seen, d)) {
                            oneOf(d, LOG_LEVELS);
                        }
                    }
                    case "http_server" -> {
                        block(d);
                        if (first(seen, d)) {
                            httpServer = httpServer(d);
                        }
                    }
                    case "vhost" -> {
                        Vhost v = vhost(d);
                        SrsDirective earlier = vhostNames.putIfAbsent(v.spec().name(), d);
                        if (earlier != null) {
                            throw error(d, "vhost '" + v.spec().name() + "' is already defined at "
                                    + earlier.location() + " (merge the two blocks into one)");
                        }
                        vhosts.add(v.spec());
                        services.addAll(v.services());
                    }
                    default -> unimplemented(d, d.name());
                }
            }
            if (listen == null) {
                throw new SrsConfigException(cfg.root().file(), 0,
                        "no 'listen' directive (add e.g. 'listen 1935;' for the RTMP port)");
            }
            if (!vhostNames.containsKey(DEFAULT_VHOST)) {
                vhosts.add(vhostSpec(DEFAULT_VHOST, DEFAULT_GOP_CACHE, DEFAULT_QUEUE_LENGTH,
                        DEFAULT_TIME_JITTER));
            }
            if (httpServer != null && httpServer.spec() != null) {
                for (String rtmpAddress : listen) {
                    if (sameSocket(rtmpAddress, httpServer.listen())) {
                        throw error(httpServer.listenAt(), "'" + httpServer.listen()
                                + "' is also the RTMP address '" + rtmpAddress + "' at " + listenAt.location()
                                + " (use another port for HTTP, e.g. 8080)");
                    }
                }
            }
            if (httpServer == null || httpServer.spec() == null) {
                for (SrsDirective remux : remuxOn) {
                    warn(remux, "directive 'vhost.http_remux' is on but http_server is not enabled, so"
                            + " nothing serves it (add 'http_server { enabled on; listen 8080; }')");
                }
            }

            Map<String, Object> rtmp = new LinkedHashMap<>();
            rtmp.put("listen", listen);
            rtmp.put("chunk_size", chunkSize);
            rtmp.put("max_connections", maxConnections);
            rtmp.put(SOURCE_KEY, SOURCE_VALUE);
            List<ConfigurationSpec> specs = new ArrayList<>();
            specs.add(ConfigurationSpec.singleton(RTMP_SERVER_PID, rtmp));
            if (httpServer != null && httpServer.spec() != null) {
                specs.add(httpServer.spec());
            }
            specs.addAll(vhosts);
            specs.addAll(services);
            return new Translation(specs, warnings);
        }

        /**
         * {@code http_server { enabled on|off; listen PORT|IP:PORT; dir PATH; }}; SRS's default is
         * off, and then no configuration is made (its values are still checked).
         */
        private HttpServer httpServer(SrsDirective d) throws SrsConfigException {
            boolean enabled = false;
            String listen = DEFAULT_HTTP_LISTEN;
            SrsDirective listenAt = d;
            String dir = DEFAULT_HTTP_DIR;
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective c : d.children()) {
                switch (c.name()) {
                    case "enabled" -> {
                        if (first(seen, c)) {
                            enabled = onOff(c);
                        }
                    }
                    case "listen" -> {
                        if (first(seen, c)) {
                            if (c.args().size() > 1) {
                                throw error(c, "takes exactly one address, got " + c.args().size()
                                        + " (write: listen PORT; or listen IP:PORT;)");
                            }
                            listen = listen(c)[0];
                            listenAt = c;
                        }
                    }
                    case "dir" -> {
                        if (first(seen, c)) {
                            dir = nonEmpty(c);
                        }
                    }
                    default -> unimplemented(c, "http_server." + c.name());
                }
            }
            if (!enabled) {
                return new HttpServer(null, listen, listenAt);
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", HTTP_SERVER_NAME);
            p.put("listen", new String[] {listen});
            p.put("dir", dir);
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return new HttpServer(ConfigurationSpec.factory(HTTP_SERVER_FACTORY_PID, HTTP_SERVER_NAME, p),
                    listen, listenAt);
        }

        private Vhost vhost(SrsDirective d) throws SrsConfigException {
            if (!d.isBlock() || d.args().size() != 1 || d.arg(0).isEmpty()) {
                throw error(d, "expected 'vhost NAME { ... }' (use __defaultVhost__ for the default vhost)");
            }
            String name = d.arg(0);
            List<ConfigurationSpec> services = new ArrayList<>();
            // SRS 3 kept these directly in the vhost; SRS 4 moved them into 'play', which wins.
            Map<String, SrsDirective> legacy = new LinkedHashMap<>();
            Map<String, SrsDirective> settings = new HashMap<>();
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective c : d.children()) {
                String path = "vhost." + c.name();
                switch (c.name()) {
                    case "gop_cache", "queue_length", "time_jitter" -> {
                        if (first(seen, c)) {
                            legacy.put(c.name(), c);
                        }
                    }
                    case "play" -> {
                        block(c);
                        if (first(seen, c)) {
                            play(c, path, settings);
                        }
                    }
                    case "http_remux" -> {
                        block(c);
                        if (first(seen, c)) {
                            ConfigurationSpec remux = httpRemux(c, path, name);
                            if (remux != null) {
                                services.add(remux);
                                remuxOn.add(c);
                            }
                        }
                    }
                    case "hls" -> {
                        block(c);
                        if (first(seen, c)) {
                            ConfigurationSpec hls = hls(c, path, name);
                            if (hls != null) {
                                services.add(hls);
                            }
                        }
                    }
                    default -> unimplemented(c, path);
                }
            }
            for (SrsDirective old : legacy.values()) {
                SrsDirective inPlay = settings.putIfAbsent(old.name(), old);
                if (inPlay != null) {
                    warn(old, "directive '" + old.name() + "' is also set in 'play' at "
                            + inPlay.location() + "; that one is used");
                }
            }
            SrsDirective gop = settings.get("gop_cache");
            SrsDirective queue = settings.get("queue_length");
            SrsDirective jitter = settings.get("time_jitter");
            return new Vhost(vhostSpec(name,
                    gop == null ? DEFAULT_GOP_CACHE : onOff(gop),
                    queue == null ? DEFAULT_QUEUE_LENGTH : positiveSeconds(queue),
                    jitter == null ? DEFAULT_TIME_JITTER : oneOf(jitter, TIME_JITTERS)), services);
        }

        /**
         * {@code http_remux { enabled on|off; mount TEMPLATE; hstrs on|off; }}: HTTP-FLV when on.
         * SRS also remuxes to TS, AAC and MP3 by the mount's extension; those only warn here.
         */
        private ConfigurationSpec httpRemux(SrsDirective d, String path, String vhost) throws SrsConfigException {
            boolean enabled = false;
            String mount = DEFAULT_FLV_MOUNT;
            SrsDirective mountAt = null;
            boolean hstrs = DEFAULT_HSTRS;
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective c : d.children()) {
                switch (c.name()) {
                    case "enabled" -> {
                        if (first(seen, c)) {
                            enabled = onOff(c);
                        }
                    }
                    case "mount" -> {
                        if (first(seen, c)) {
                            mount = nonEmpty(c);
                            mountAt = c;
                            String lower = mount.toLowerCase(Locale.ROOT);
                            if (REMUX_EXTENSIONS.stream().noneMatch(lower::endsWith)) {
                                throw error(c, "'" + mount + "' does not end in a stream type (use a template"
                                        + " ending in .flv, e.g. [vhost]/[app]/[stream].flv; SRS also knows"
                                        + " .ts, .aac, .mp3)");
                            }
                        }
                    }
                    case "hstrs" -> {
                        if (first(seen, c)) {
                            hstrs = onOff(c);
                        }
                    }
                    default -> unimplemented(c, path + "." + c.name());
                }
            }
            if (!enabled) {
                return null;
            }
            if (!mount.toLowerCase(Locale.ROOT).endsWith(".flv")) {
                warn(mountAt, "directive '" + path + ".mount': remuxing to '"
                        + mount.substring(mount.lastIndexOf('.')) + "' is not implemented yet (only .flv);"
                        + " http_remux of vhost '" + vhost + "' ignored");
                return null;
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", vhost);
            p.put("mount", mount);
            p.put("hstrs", hstrs);
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(HTTP_FLV_FACTORY_PID, vhost, p);
        }

        /** {@code hls { enabled on|off; hls_* ...; }}; the hls_* SRS has and Fluvia not only warn. */
        private ConfigurationSpec hls(SrsDirective d, String path, String vhost) throws SrsConfigException {
            boolean enabled = false;
            double fragment = DEFAULT_HLS_FRAGMENT;
            SrsDirective fragmentAt = null;
            double window = DEFAULT_HLS_WINDOW;
            SrsDirective windowAt = null;
            double tdRatio = DEFAULT_HLS_TD_RATIO;
            boolean waitKeyframe = DEFAULT_HLS_WAIT_KEYFRAME;
            String hlsPath = DEFAULT_HLS_PATH;
            String m3u8File = DEFAULT_HLS_M3U8_FILE;
            String tsFile = DEFAULT_HLS_TS_FILE;
            boolean cleanup = DEFAULT_HLS_CLEANUP;
            double dispose = DEFAULT_HLS_DISPOSE;
            Map<String, SrsDirective> seen = new LinkedHashMap<>();
            for (SrsDirective c : d.children()) {
                if (HLS_DIRECTIVES.contains(c.name())) {
                    first(seen, c);
                } else {
                    unimplemented(c, path + "." + c.name());
                }
            }
            for (SrsDirective c : seen.values()) {
                switch (c.name()) {
                    case "enabled" -> enabled = onOff(c);
                    case "hls_fragment" -> {
                        fragment = positiveSeconds(c);
                        fragmentAt = c;
                    }
                    case "hls_window" -> {
                        window = positiveSeconds(c);
                        windowAt = c;
                    }
                    case "hls_td_ratio" -> tdRatio = ratio(c);
                    case "hls_wait_keyframe" -> waitKeyframe = onOff(c);
                    case "hls_path" -> hlsPath = nonEmpty(c);
                    case "hls_m3u8_file" -> m3u8File = fileTemplate(c, ".m3u8", DEFAULT_HLS_M3U8_FILE);
                    case "hls_ts_file" -> tsFile = fileTemplate(c, ".ts", DEFAULT_HLS_TS_FILE);
                    case "hls_cleanup" -> cleanup = onOff(c);
                    case "hls_dispose" -> dispose = nonNegativeSeconds(c);
                    default -> throw new IllegalStateException(c.name());
                }
            }
            if (window < fragment) {
                SrsDirective at = windowAt != null ? windowAt : fragmentAt;
                throw error(at, "hls_window " + number(window) + " is shorter than hls_fragment "
                        + number(fragment) + " (the playlist must hold at least one fragment: use an"
                        + " hls_window of at least hls_fragment, e.g. hls_fragment 10; hls_window 60;)");
            }
            if (!enabled) {
                return null;
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", vhost);
            p.put("hls_fragment", fragment);
            p.put("hls_window", window);
            p.put("hls_td_ratio", tdRatio);
            p.put("hls_wait_keyframe", waitKeyframe);
            p.put("hls_path", hlsPath);
            p.put("hls_m3u8_file", m3u8File);
            p.put("hls_ts_file", tsFile);
            p.put("hls_cleanup", cleanup);
            p.put("hls_dispose", dispose);
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(HLS_FACTORY_PID, vhost, p);
        }

        private static ConfigurationSpec vhostSpec(String name, boolean gopCache, double queueLength,
                String timeJitter) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", name);
            p.put("gop_cache", gopCache);
            p.put("queue_length", queueLength);
            p.put("time_jitter", timeJitter);
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(VHOST_FACTORY_PID, name, p);
        }

        private void play(SrsDirective play, String path, Map<String, SrsDirective> settings) {
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective p : play.children()) {
                switch (p.name()) {
                    case "gop_cache", "queue_length", "time_jitter" -> {
                        if (first(seen, p)) {
                            settings.put(p.name(), p);
                        }
                    }
                    default -> unimplemented(p, path + "." + p.name());
                }
            }
        }

        /**
         * True for the first directive with its name in one block ({@code seen}); a repeat only
         * warns, since SRS itself silently takes the first.
         */
        private boolean first(Map<String, SrsDirective> seen, SrsDirective d) {
            SrsDirective earlier = seen.putIfAbsent(d.name(), d);
            if (earlier == null) {
                return true;
            }
            warn(d, "directive '" + d.name() + "' is repeated; the first one at "
                    + earlier.location() + " is used");
            return false;
        }

        private void unimplemented(SrsDirective d, String path) {
            if (warnedPaths.add(path)) {
                warn(d, "directive '" + path + "' is not implemented yet; ignored");
            }
        }

        private void warn(SrsDirective d, String text) {
            warnings.add(d.location() + ": " + text);
        }

        private static String[] listen(SrsDirective d) throws SrsConfigException {
            leaf(d);
            if (d.args().isEmpty()) {
                throw error(d, "needs at least one port (write e.g. 'listen 1935;' or 'listen 127.0.0.1:1935;')");
            }
            for (String a : d.args()) {
                int colon = a.lastIndexOf(':');
                String host = colon < 0 ? null : a.substring(0, colon);
                String port = colon < 0 ? a : a.substring(colon + 1);
                boolean hostOk = host == null
                        || (!host.isEmpty() && (!host.contains(":") || host.startsWith("[") && host.endsWith("]")));
                if (!hostOk || !PORT.matcher(port).matches() || Integer.parseInt(port) < 1
                        || Integer.parseInt(port) > 65535) {
                    throw error(d, "'" + a + "' is not a valid address (use PORT or IP:PORT, PORT from 1"
                            + " to 65535, an IPv6 address in brackets: [::1]:1935)");
                }
            }
            return d.args().toArray(new String[0]);
        }

        private static int wholeNumber(SrsDirective d, int min, int max) throws SrsConfigException {
            String v = single(d);
            if (!WHOLE_NUMBER.matcher(v).matches() || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
                throw error(d, "'" + v + "' is not valid (use a whole number "
                        + (max == Integer.MAX_VALUE ? "greater than " + (min - 1) : "from " + min + " to " + max)
                        + ")");
            }
            return Integer.parseInt(v);
        }

        private static double positiveSeconds(SrsDirective d) throws SrsConfigException {
            String v = single(d);
            if (!DECIMAL.matcher(v).matches() || Double.parseDouble(v) <= 0) {
                throw error(d, "'" + v + "' is not valid (use a positive number of seconds, e.g. 10 or 2.5)");
            }
            return Double.parseDouble(v);
        }

        private static double nonNegativeSeconds(SrsDirective d) throws SrsConfigException {
            String v = single(d);
            if (!DECIMAL.matcher(v).matches()) {
                throw error(d, "'" + v + "' is not valid (use a number of seconds, 0 or more, e.g. 120)");
            }
            return Double.parseDouble(v);
        }

        private static double ratio(SrsDirective d) throws SrsConfigException {
            String v = single(d);
            if (!DECIMAL.matcher(v).matches() || Double.parseDouble(v) < 1.0) {
                throw error(d, "'" + v + "' is not valid (use a ratio of at least 1, e.g. 1.5)");
            }
            return Double.parseDouble(v);
        }

        private static String nonEmpty(SrsDirective d) throws SrsConfigException {
            String v = single(d);
            if (v.isBlank()) {
                throw error(d, "needs a non-empty value (write: " + d.name() + " VALUE;)");
            }
            return v;
        }

        private static String fileTemplate(SrsDirective d, String extension, String example)
                throws SrsConfigException {
            String v = nonEmpty(d);
            if (!v.endsWith(extension) || v.endsWith("/" + extension) || v.equals(extension)) {
                throw error(d, "'" + v + "' is not valid (use a file name template ending in " + extension
                        + ", e.g. " + example + ")");
            }
            return v;
        }

        private static String number(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }

        /** True when two listen addresses (PORT or HOST:PORT) would bind the same socket. */
        private static boolean sameSocket(String a, String b) {
            int ca = a.lastIndexOf(':');
            int cb = b.lastIndexOf(':');
            String hostA = ca < 0 ? null : a.substring(0, ca);
            String hostB = cb < 0 ? null : b.substring(0, cb);
            int portA = Integer.parseInt(a.substring(ca + 1));
            int portB = Integer.parseInt(b.substring(cb + 1));
            return portA == portB && (hostA == null || hostB == null || hostA.equals(hostB)
                    || isAnyAddress(hostA) || isAnyAddress(hostB));
        }

        private static boolean isAnyAddress(String host) {
            return host.equals("0.0.0.0") || host.equals("[::]");
        }

        /** A block without arguments: {@code name { ... }}. */
        private static void block(SrsDirective d) throws SrsConfigException {
            if (!d.isBlock() || !d.args().isEmpty()) {
                throw error(d, "expected '" + d.name() + " { ... }' without arguments");
            }
        }

        private static boolean onOff(SrsDirective d) throws SrsConfigException {
            return oneOf(d, List.of("on", "off")).equals("on");
        }

        private static String oneOf(SrsDirective d, List<String> accepted) throws SrsConfigException {
            String v = single(d);
            if (!accepted.contains(v)) {
                throw error(d, "'" + v + "' is not accepted (use one of: " + String.join(", ", accepted) + ")");
            }
            return v;
        }

        /** The directive's only argument; anything else is an error. */
        private static String single(SrsDirective d) throws SrsConfigException {
            leaf(d);
            if (d.args().size() != 1) {
                throw error(d, (d.args().isEmpty() ? "needs a value" : "takes exactly one value, got "
                        + d.args().size()) + " (write: " + d.name() + " VALUE;)");
            }
            return d.arg(0);
        }

        private static void leaf(SrsDirective d) throws SrsConfigException {
            if (d.isBlock()) {
                throw error(d, "is a block here but takes values (write: " + d.name() + " VALUE;)");
            }
        }

        private static SrsConfigException error(SrsDirective d, String problem) {
            return new SrsConfigException(d.file(), d.line(), "directive '" + d.name() + "': " + problem);
        }
    }
}
