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
    /** Factory pid of the HTTP server; {@link #HTTP_API_SERVER_NAME} is the listener of http_api. */
    public static final String HTTP_API_SERVER_NAME = "api";
    /** Singleton pid of SRS's HTTP API ({@code http_api}), served on the "api" HTTP server. */
    public static final String HTTP_API_PID = "org.fluvia.http.api";
    /** Factory pid of a vhost's access rules ({@code vhost.security}); the name is the vhost. */
    public static final String SECURITY_FACTORY_PID = "org.fluvia.security";
    /** Factory pid of a vhost's HTTP callbacks ({@code vhost.http_hooks}); the name is the vhost. */
    public static final String HOOKS_FACTORY_PID = "org.fluvia.hooks";
    /** Factory pid of a vhost's forwarding ({@code vhost.forward}); the name is the vhost. */
    public static final String FORWARD_FACTORY_PID = "org.fluvia.forward";
    /** Factory pid of a vhost's edge ({@code vhost.cluster}, mode remote); the name is the vhost. */
    public static final String EDGE_FACTORY_PID = "org.fluvia.edge";
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
    public static final String DEFAULT_HTTP_API_LISTEN = "1985";
    public static final boolean DEFAULT_HTTP_API_CROSSDOMAIN = true;
    public static final int DEFAULT_HOOK_TIMEOUT_SECONDS = 5;
    /** Port of a forward destination or an origin given without one. */
    public static final int DEFAULT_RTMP_PORT = 1935;

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
    /** The callbacks of {@code vhost.http_hooks} that are implemented. */
    private static final List<String> HOOKS = List.of("on_publish", "on_unpublish", "on_play", "on_stop");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private SrsTranslator() {
    }

    /** Validates {@code cfg} and produces its configurations; unimplemented directives only warn. */
    public static Translation translate(SrsConfig cfg) throws SrsConfigException {
        return new Run(cfg).translate();
    }

    /** A translated vhost; a vhost with {@code enabled off} has a null spec and no services. */
    private record Vhost(String name, ConfigurationSpec spec, List<ConfigurationSpec> services,
            List<SrsDirective> remuxOn) {
    }

    /** A parsed http_api block: {@code specs} is empty when it is not enabled. */
    private record HttpApi(List<ConfigurationSpec> specs, String listen, SrsDirective listenAt) {
    }

    /** A parsed http_server block: {@code spec} is null when it is not enabled. */
    private record HttpServer(ConfigurationSpec spec, String listen, SrsDirective listenAt) {
    }

    /** One translation: collects warnings, each unimplemented directive path reported once. */
    private static final class Run {
        final SrsConfig cfg;
        final List<String> warnings;
        final Set<String> warnedPaths = new HashSet<>();
        /** The enabled http_remux blocks of enabled vhosts, checked against http_server at the end. */
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
            HttpApi httpApi = null;
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
                    case "http_api" -> {
                        block(d);
                        if (first(seen, d)) {
                            httpApi = httpApi(d);
                        }
                    }
                    case "vhost" -> {
                        Vhost v = vhost(d);
                        SrsDirective earlier = vhostNames.putIfAbsent(v.name(), d);
                        if (earlier != null) {
                            throw error(d, "vhost '" + v.name() + "' is already defined at "
                                    + earlier.location() + " (merge the two blocks into one)");
                        }
                        if (v.spec() != null) {
                            vhosts.add(v.spec());
                            services.addAll(v.services());
                            remuxOn.addAll(v.remuxOn());
                        }
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
                        DEFAULT_TIME_JITTER, null));
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
            if (httpApi != null && !httpApi.specs().isEmpty()) {
                for (String rtmpAddress : listen) {
                    if (sameSocket(rtmpAddress, httpApi.listen())) {
                        throw error(httpApi.listenAt(), "'" + httpApi.listen()
                                + "' is also the RTMP address '" + rtmpAddress + "' at " + listenAt.location()
                                + " (use another port for the HTTP API, e.g. 1985)");
                    }
                }
                if (httpServer != null && httpServer.spec() != null
                        && sameSocket(httpServer.listen(), httpApi.listen())) {
                    throw error(httpApi.listenAt(), "'" + httpApi.listen() + "' is also the http_server"
                            + " address at " + httpServer.listenAt().location() + " (Fluvia serves the API on"
                            + " its own listener: use another port, e.g. 1985)");
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
            if (httpApi != null) {
                specs.addAll(httpApi.specs());
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
            List<SrsDirective> remux = new ArrayList<>();
            boolean enabled = true;
            // SRS 3 kept these directly in the vhost; SRS 4 moved them into 'play', which wins.
            Map<String, SrsDirective> legacy = new LinkedHashMap<>();
            Map<String, SrsDirective> settings = new HashMap<>();
            // likewise 'mode' and 'origin', moved into 'cluster'
            Map<String, SrsDirective> legacyCluster = new LinkedHashMap<>();
            Map<String, SrsDirective> cluster = new HashMap<>();
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective c : d.children()) {
                String path = "vhost." + c.name();
                switch (c.name()) {
                    case "enabled" -> {
                        if (first(seen, c)) {
                            enabled = onOff(c);
                        }
                    }
                    case "mode", "origin" -> {
                        if (first(seen, c)) {
                            legacyCluster.put(c.name(), c);
                        }
                    }
                    case "cluster" -> {
                        block(c);
                        if (first(seen, c)) {
                            cluster(c, path, cluster);
                        }
                    }
                    case "security" -> {
                        block(c);
                        if (first(seen, c)) {
                            services.add(security(c, path, name));
                        }
                    }
                    case "http_hooks" -> {
                        block(c);
                        if (first(seen, c)) {
                            services.add(hooks(c, path, name));
                        }
                    }
                    case "forward" -> {
                        if (first(seen, c)) {
                            ConfigurationSpec forward = forward(c, path, name);
                            if (forward != null) {
                                services.add(forward);
                            }
                        }
                    }
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
                            ConfigurationSpec spec = httpRemux(c, path, name);
                            if (spec != null) {
                                services.add(spec);
                                remux.add(c);
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
            for (SrsDirective old : legacyCluster.values()) {
                SrsDirective inCluster = cluster.putIfAbsent(old.name(), old);
                if (inCluster != null) {
                    warn(old, "directive '" + old.name() + "' is also set in 'cluster' at "
                            + inCluster.location() + "; that one is used");
                }
            }
            ConfigurationSpec edge = edge(cluster, name);
            if (edge != null) {
                services.add(edge);
            }
            SrsDirective gop = settings.get("gop_cache");
            SrsDirective queue = settings.get("queue_length");
            SrsDirective jitter = settings.get("time_jitter");
            SrsDirective mwLatency = settings.get("mw_latency");
            ConfigurationSpec spec = vhostSpec(name,
                    gop == null ? DEFAULT_GOP_CACHE : onOff(gop),
                    queue == null ? DEFAULT_QUEUE_LENGTH : positiveSeconds(queue),
                    jitter == null ? DEFAULT_TIME_JITTER : oneOf(jitter, TIME_JITTERS),
                    mwLatency == null ? null : wholeNumber(mwLatency, 0, 10_000));
            if (!enabled) {
                return new Vhost(name, null, List.of(), List.of());
            }
            return new Vhost(name, spec, services, remux);
        }

        /**
         * {@code http_api { enabled; listen; crossdomain; auth { enabled; username; password; } }}:
         * when on, the "api" HTTP listener and the API's own settings; SRS's default is off.
         */
        private HttpApi httpApi(SrsDirective d) throws SrsConfigException {
            boolean enabled = false;
            String listen = DEFAULT_HTTP_API_LISTEN;
            SrsDirective listenAt = d;
            boolean crossdomain = DEFAULT_HTTP_API_CROSSDOMAIN;
            boolean authEnabled = false;
            String username = "";
            String password = "";
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
                    case "crossdomain" -> {
                        if (first(seen, c)) {
                            crossdomain = onOff(c);
                        }
                    }
                    case "auth" -> {
                        block(c);
                        if (!first(seen, c)) {
                            break;
                        }
                        Map<String, SrsDirective> seenAuth = new HashMap<>();
                        for (SrsDirective a : c.children()) {
                            switch (a.name()) {
                                case "enabled" -> {
                                    if (first(seenAuth, a)) {
                                        authEnabled = onOff(a);
                                    }
                                }
                                case "username" -> {
                                    if (first(seenAuth, a)) {
                                        username = nonEmpty(a);
                                    }
                                }
                                case "password" -> {
                                    if (first(seenAuth, a)) {
                                        password = single(a);
                                    }
                                }
                                default -> unimplemented(a, "http_api.auth." + a.name());
                            }
                        }
                    }
                    default -> unimplemented(c, "http_api." + c.name());
                }
            }
            if (!enabled) {
                return new HttpApi(List.of(), listen, listenAt);
            }
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("name", HTTP_API_SERVER_NAME);
            server.put("listen", new String[] {listen});
            server.put("dir", "");
            server.put(SOURCE_KEY, SOURCE_VALUE);
            Map<String, Object> api = new LinkedHashMap<>();
            api.put("crossdomain", crossdomain);
            api.put("auth_enabled", authEnabled);
            api.put("auth_username", username);
            api.put("auth_password", password);
            api.put(SOURCE_KEY, SOURCE_VALUE);
            return new HttpApi(List.of(
                    ConfigurationSpec.factory(HTTP_SERVER_FACTORY_PID, HTTP_API_SERVER_NAME, server),
                    ConfigurationSpec.singleton(HTTP_API_PID, api)), listen, listenAt);
        }

        /**
         * {@code security { enabled on|off; allow|deny publish|play all|IP|CIDR; }}: the rules in
         * file order, each "allow publish 127.0.0.1".
         */
        private ConfigurationSpec security(SrsDirective d, String path, String vhost) throws SrsConfigException {
            boolean enabled = false;
            List<String> rules = new ArrayList<>();
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective c : d.children()) {
                switch (c.name()) {
                    case "enabled" -> {
                        if (first(seen, c)) {
                            enabled = onOff(c);
                        }
                    }
                    case "allow", "deny" -> rules.add(rule(c));
                    default -> unimplemented(c, path + "." + c.name());
                }
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", vhost);
            p.put("enabled", enabled);
            p.put("rules", rules.toArray(new String[0]));
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(SECURITY_FACTORY_PID, vhost, p);
        }

        private static String rule(SrsDirective d) throws SrsConfigException {
            leaf(d);
            String usage = " (write: " + d.name() + " publish|play all|IP|CIDR;)";
            if (d.args().size() != 2) {
                throw error(d, "takes a method and a target, got " + d.args().size() + " value(s)" + usage);
            }
            String method = d.arg(0);
            String target = d.arg(1);
            if (!method.equals("publish") && !method.equals("play")) {
                throw error(d, "'" + method + "' is not a method (use publish or play)" + usage);
            }
            if (!target.equals("all") && !isAddressOrCidr(target)) {
                throw error(d, "'" + target + "' is not all, an IP address or a CIDR such as 10.0.0.0/8" + usage);
            }
            return d.name() + " " + method + " " + target;
        }

        static boolean isAddressOrCidr(String target) {
            int slash = target.indexOf('/');
            String ip = slash < 0 ? target : target.substring(0, slash);
            int maxPrefix;
            if (IPV4.matcher(ip).matches()) {
                for (String octet : ip.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) {
                        return false;
                    }
                }
                maxPrefix = 32;
            } else if (IPV6.matcher(ip).matches() && ip.length() <= 45) {
                try {
                    // only hex digits, ':' and '.': a literal, so no name lookup happens
                    if (!(java.net.InetAddress.getByName(ip) instanceof java.net.Inet6Address)) {
                        return false;
                    }
                } catch (java.net.UnknownHostException e) {
                    return false;
                }
                maxPrefix = 128;
            } else {
                return false;
            }
            if (slash < 0) {
                return true;
            }
            String prefix = target.substring(slash + 1);
            return WHOLE_NUMBER.matcher(prefix).matches() && prefix.length() <= 3
                    && Integer.parseInt(prefix) <= maxPrefix;
        }

        /** {@code http_hooks { enabled; on_publish URL...; on_unpublish; on_play; on_stop; }}. */
        private ConfigurationSpec hooks(SrsDirective d, String path, String vhost) throws SrsConfigException {
            boolean enabled = false;
            Map<String, String[]> urls = new LinkedHashMap<>();
            for (String hook : HOOKS) {
                urls.put(hook, new String[0]);
            }
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective c : d.children()) {
                if (c.name().equals("enabled")) {
                    if (first(seen, c)) {
                        enabled = onOff(c);
                    }
                } else if (HOOKS.contains(c.name())) {
                    if (first(seen, c)) {
                        urls.put(c.name(), urls(c));
                    }
                } else {
                    unimplemented(c, path + "." + c.name());
                }
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", vhost);
            p.put("enabled", enabled);
            p.putAll(urls);
            p.put("timeout", DEFAULT_HOOK_TIMEOUT_SECONDS);
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(HOOKS_FACTORY_PID, vhost, p);
        }

        private static String[] urls(SrsDirective d) throws SrsConfigException {
            leaf(d);
            if (d.args().isEmpty()) {
                throw error(d, "needs at least one URL (write: " + d.name() + " http://127.0.0.1:8085/api/v1/streams;)");
            }
            for (String url : d.args()) {
                String lower = url.toLowerCase(Locale.ROOT);
                boolean ok = lower.startsWith("http://") || lower.startsWith("https://");
                if (ok) {
                    try {
                        java.net.URI uri = new java.net.URI(url);
                        ok = uri.getHost() != null && !uri.getHost().isEmpty();
                    } catch (java.net.URISyntaxException e) {
                        ok = false;
                    }
                }
                if (!ok) {
                    throw error(d, "'" + url + "' is not an http:// or https:// URL (write e.g. "
                            + d.name() + " http://127.0.0.1:8085/api/v1/streams;)");
                }
            }
            return d.args().toArray(new String[0]);
        }

        /**
         * {@code forward { enabled on; destination HOST:PORT...; }}, or SRS 3's one line
         * {@code forward HOST:PORT...;}; null when nothing is forwarded.
         */
        private ConfigurationSpec forward(SrsDirective d, String path, String vhost) throws SrsConfigException {
            boolean enabled;
            List<String> destinations = new ArrayList<>();
            if (!d.isBlock()) {
                if (d.args().isEmpty()) {
                    throw error(d, "needs at least one destination (write: forward HOST:PORT; or"
                            + " forward { enabled on; destination HOST:PORT; })");
                }
                enabled = true;
                for (String a : d.args()) {
                    destinations.add(endpoint(d, a));
                }
            } else {
                if (!d.args().isEmpty()) {
                    throw error(d, "expected 'forward { ... }' without arguments");
                }
                enabled = false;
                SrsDirective destinationAt = null;
                Map<String, SrsDirective> seen = new HashMap<>();
                for (SrsDirective c : d.children()) {
                    switch (c.name()) {
                        case "enabled" -> {
                            if (first(seen, c)) {
                                enabled = onOff(c);
                            }
                        }
                        case "destination" -> {
                            if (first(seen, c)) {
                                destinationAt = c;
                                leaf(c);
                                if (c.args().isEmpty()) {
                                    throw error(c, "needs at least one HOST:PORT (write: destination 127.0.0.1:1936;)");
                                }
                                for (String a : c.args()) {
                                    destinations.add(endpoint(c, a));
                                }
                            }
                        }
                        default -> unimplemented(c, path + "." + c.name());
                    }
                }
                if (enabled && destinationAt == null) {
                    warn(d, "directive '" + path + "' is on but has no destination; nothing is forwarded"
                            + " (add e.g. 'destination 127.0.0.1:1936;')");
                }
            }
            if (!enabled || destinations.isEmpty()) {
                return null;
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", vhost);
            p.put("destinations", destinations.toArray(new String[0]));
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(FORWARD_FACTORY_PID, vhost, p);
        }

        /** {@code cluster { mode local|remote; origin HOST:PORT...; }}: collects mode and origin. */
        private void cluster(SrsDirective d, String path, Map<String, SrsDirective> cluster) {
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective c : d.children()) {
                switch (c.name()) {
                    case "mode", "origin" -> {
                        if (first(seen, c)) {
                            cluster.put(c.name(), c);
                        }
                    }
                    default -> unimplemented(c, path + "." + c.name());
                }
            }
        }

        /** The edge of a vhost in mode remote, pulling from its origins; null in mode local. */
        private ConfigurationSpec edge(Map<String, SrsDirective> cluster, String vhost) throws SrsConfigException {
            SrsDirective mode = cluster.get("mode");
            SrsDirective origin = cluster.get("origin");
            boolean remote = mode != null && oneOf(mode, List.of("local", "remote")).equals("remote");
            List<String> origins = new ArrayList<>();
            if (origin != null) {
                leaf(origin);
                if (origin.args().isEmpty()) {
                    throw error(origin, "needs at least one HOST:PORT (write: origin 127.0.0.1:1935;)");
                }
                for (String a : origin.args()) {
                    origins.add(endpoint(origin, a));
                }
            }
            if (!remote) {
                return null;
            }
            if (origins.isEmpty()) {
                throw error(mode, "mode remote needs the origin servers (add e.g. 'origin 127.0.0.1:1935;')");
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", vhost);
            p.put("origins", origins.toArray(new String[0]));
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(EDGE_FACTORY_PID, vhost, p);
        }

        /** HOST, HOST:PORT or [IPv6]:PORT as "host:port", the port 1935 when not given. */
        private static String endpoint(SrsDirective d, String a) throws SrsConfigException {
            String host;
            String port;
            if (a.startsWith("[")) {
                int close = a.indexOf(']');
                host = close < 0 ? "" : a.substring(0, close + 1);
                String rest = close < 0 ? "" : a.substring(close + 1);
                port = rest.isEmpty() ? String.valueOf(DEFAULT_RTMP_PORT) : rest.startsWith(":") ? rest.substring(1) : "x";
            } else {
                int colon = a.indexOf(':');
                if (colon != a.lastIndexOf(':')) {
                    host = "";
                    port = "";
                } else {
                    host = colon < 0 ? a : a.substring(0, colon);
                    port = colon < 0 ? String.valueOf(DEFAULT_RTMP_PORT) : a.substring(colon + 1);
                }
            }
            boolean hostOk = host.length() > 0 && host.length() <= 255 && host.chars()
                    .noneMatch(ch -> Character.isWhitespace(ch) || ch == '/' || ch == '?' || ch == '#' || ch == '@');
            if (!hostOk || !PORT.matcher(port).matches() || Integer.parseInt(port) < 1
                    || Integer.parseInt(port) > 65535) {
                throw error(d, "'" + a + "' is not a valid server (use HOST:PORT, PORT from 1 to 65535,"
                        + " e.g. 127.0.0.1:1935; an IPv6 address in brackets: [::1]:1935)");
            }
            return host + ":" + port;
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

        /** @param mwLatency SRS's merged-write window in ms, or null for the hub's low-latency default */
        private static ConfigurationSpec vhostSpec(String name, boolean gopCache, double queueLength,
                String timeJitter, Integer mwLatency) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("vhost", name);
            p.put("gop_cache", gopCache);
            p.put("queue_length", queueLength);
            p.put("time_jitter", timeJitter);
            if (mwLatency != null) {
                p.put("mw_latency", mwLatency);
            }
            p.put(SOURCE_KEY, SOURCE_VALUE);
            return ConfigurationSpec.factory(VHOST_FACTORY_PID, name, p);
        }

        private void play(SrsDirective play, String path, Map<String, SrsDirective> settings) {
            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective p : play.children()) {
                switch (p.name()) {
                    case "gop_cache", "queue_length", "time_jitter", "mw_latency" -> {
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
