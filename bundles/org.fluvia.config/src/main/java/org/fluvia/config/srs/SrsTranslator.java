package org.fluvia.config.srs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Translates a parsed SRS configuration into the Configuration Admin configurations Fluvia uses. */
public final class SrsTranslator {

    /** Singleton pid of the RTMP server. */
    public static final String RTMP_SERVER_PID = "org.fluvia.rtmp.server";
    /** Factory pid of the per-vhost hub settings; the configuration's name is the vhost. */
    public static final String VHOST_FACTORY_PID = "org.fluvia.media.core.vhost";
    /** Property on every produced configuration, so the loader can find what it made earlier. */
    public static final String SOURCE_KEY = "fluvia.source";
    public static final String SOURCE_VALUE = "srs-config";
    public static final String DEFAULT_VHOST = "__defaultVhost__";

    public static final int DEFAULT_CHUNK_SIZE = 60000;
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final boolean DEFAULT_GOP_CACHE = true;
    public static final double DEFAULT_QUEUE_LENGTH = 10.0;
    public static final String DEFAULT_TIME_JITTER = "full";

    private static final List<String> LOG_TANKS = List.of("console", "file");
    private static final List<String> LOG_LEVELS = List.of("verbose", "info", "trace", "warn", "error");
    private static final List<String> TIME_JITTERS = List.of("full", "zero", "off");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?|\\.[0-9]{1,9}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private SrsTranslator() {
    }

    /** Validates {@code cfg} and produces its configurations; unimplemented directives only warn. */
    public static Translation translate(SrsConfig cfg) throws SrsConfigException {
        return new Run(cfg).translate();
    }

    /** One translation: collects warnings, each unimplemented directive path reported once. */
    private static final class Run {
        final SrsConfig cfg;
        final List<String> warnings;
        final Set<String> warnedPaths = new HashSet<>();

        Run(SrsConfig cfg) {
            this.cfg = cfg;
            this.warnings = new ArrayList<>(cfg.warnings());
        }

        Translation translate() throws SrsConfigException {
            String[] listen = null;
            int chunkSize = DEFAULT_CHUNK_SIZE;
            int maxConnections = DEFAULT_MAX_CONNECTIONS;
            List<ConfigurationSpec> vhosts = new ArrayList<>();
            Map<String, SrsDirective> vhostNames = new HashMap<>();

            Map<String, SrsDirective> seen = new HashMap<>();
            for (SrsDirective d : cfg.root().children()) {
                switch (d.name()) {
                    case "listen" -> {
                        if (first(seen, d)) {
                            listen = listen(d);
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
                    case "vhost" -> {
                        ConfigurationSpec v = vhost(d);
                        SrsDirective earlier = vhostNames.putIfAbsent(v.name(), d);
                        if (earlier != null) {
                            throw error(d, "vhost '" + v.name() + "' is already defined at "
                                    + earlier.location() + " (merge the two blocks into one)");
                        }
                        vhosts.add(v);
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

            Map<String, Object> rtmp = new LinkedHashMap<>();
            rtmp.put("listen", listen);
            rtmp.put("chunk_size", chunkSize);
            rtmp.put("max_connections", maxConnections);
            rtmp.put(SOURCE_KEY, SOURCE_VALUE);
            List<ConfigurationSpec> specs = new ArrayList<>();
            specs.add(ConfigurationSpec.singleton(RTMP_SERVER_PID, rtmp));
            specs.addAll(vhosts);
            return new Translation(specs, warnings);
        }

        private ConfigurationSpec vhost(SrsDirective d) throws SrsConfigException {
            if (!d.isBlock() || d.args().size() != 1 || d.arg(0).isEmpty()) {
                throw error(d, "expected 'vhost NAME { ... }' (use __defaultVhost__ for the default vhost)");
            }
            String name = d.arg(0);
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
                        if (!c.isBlock() || !c.args().isEmpty()) {
                            throw error(c, "expected 'play { ... }' without arguments");
                        }
                        if (first(seen, c)) {
                            play(c, path, settings);
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
            return vhostSpec(name,
                    gop == null ? DEFAULT_GOP_CACHE : onOff(gop),
                    queue == null ? DEFAULT_QUEUE_LENGTH : positiveSeconds(queue),
                    jitter == null ? DEFAULT_TIME_JITTER : oneOf(jitter, TIME_JITTERS));
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
