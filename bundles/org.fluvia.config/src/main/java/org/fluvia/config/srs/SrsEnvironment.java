package org.fluvia.config.srs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * SRS 5's environment configuration: a variable named by a directive's path, upper case, joined
 * by '_' and prefixed with {@code SRS_} ({@code vhost.hls.hls_fragment} is
 * {@code SRS_VHOST_HLS_HLS_FRAGMENT}) sets that directive. The variables become directives of the
 * parsed tree, so the translator validates them like the file's; a directive made from a variable
 * is located by "NAME=value" instead of file:line, so every message names the variable.
 * Variables under {@code vhost} apply to every vhost of the config, {@code __defaultVhost__}
 * included (it is added when missing). An empty variable counts as unset, as in SRS.
 */
public final class SrsEnvironment {

    public static final String PREFIX = "SRS_";
    /** The root's file name of a configuration made from the environment only ({@code fluvia -e}). */
    public static final String ENV_ONLY_NAME = "environment";
    /** The RTMP port of {@code fluvia -e} when {@code SRS_LISTEN} is unset. */
    public static final String DEFAULT_LISTEN = "1935";

    /** One supported variable: the directive path it sets and whether it takes a list. */
    private record Variable(String name, List<String> path, boolean list) {
    }

    private static final Map<String, Variable> VARIABLES = new LinkedHashMap<>();
    /** SRS's older short names: used when the long one is unset. */
    private static final Map<String, String> ALIASES = Map.of(
            "SRS_LOG_TANK", "SRS_SRS_LOG_TANK",
            "SRS_LOG_FILE", "SRS_SRS_LOG_FILE",
            "SRS_LOG_LEVEL", "SRS_SRS_LOG_LEVEL");

    static {
        list("listen");
        single("max_connections", "chunk_size", "daemon", "pid", "srs_log_tank", "srs_log_file",
                "srs_log_level", "ff_log_dir");
        single("http_api.enabled", "http_api.listen", "http_api.crossdomain", "http_api.auth.enabled",
                "http_api.auth.username", "http_api.auth.password");
        single("http_server.enabled", "http_server.listen", "http_server.dir");
        single("vhost.http_remux.enabled", "vhost.http_remux.mount", "vhost.http_remux.hstrs");
        single("vhost.hls.enabled", "vhost.hls.hls_fragment", "vhost.hls.hls_window", "vhost.hls.hls_path",
                "vhost.hls.hls_m3u8_file", "vhost.hls.hls_ts_file", "vhost.hls.hls_td_ratio",
                "vhost.hls.hls_wait_keyframe", "vhost.hls.hls_cleanup", "vhost.hls.hls_dispose");
        single("vhost.play.gop_cache", "vhost.play.queue_length", "vhost.play.time_jitter");
        single("vhost.http_hooks.enabled");
        list("vhost.http_hooks.on_publish", "vhost.http_hooks.on_unpublish", "vhost.http_hooks.on_play",
                "vhost.http_hooks.on_stop");
        single("vhost.forward.enabled");
        list("vhost.forward.destination");
        single("vhost.cluster.mode");
        list("vhost.cluster.origin");
        single("vhost.security.enabled");
    }

    private static void single(String... paths) {
        for (String p : paths) {
            define(p, false);
        }
    }

    private static void list(String... paths) {
        for (String p : paths) {
            define(p, true);
        }
    }

    private static void define(String path, boolean list) {
        String name = PREFIX + path.replace('.', '_').toUpperCase(Locale.ROOT);
        VARIABLES.put(name, new Variable(name, List.of(path.split("\\.")), list));
    }

    private SrsEnvironment() {
    }

    /** The variables Fluvia reads, in the order they are applied (aliases not included). */
    public static List<String> variables() {
        return List.copyOf(VARIABLES.keySet());
    }

    /**
     * {@code base} with the {@code SRS_*} variables of {@code env} applied over it; {@code base}
     * itself is not changed. Unknown {@code SRS_*} variables each give one warning.
     */
    public static SrsConfig overlay(SrsConfig base, Map<String, String> env) throws SrsConfigException {
        SrsDirective root = base.root().copy();
        List<String> warnings = new ArrayList<>(base.warnings());
        apply(root, env, warnings);
        return new SrsConfig(root, warnings);
    }

    /**
     * {@code fluvia -e}: a configuration from the environment only, over SRS's defaults;
     * {@code listen} is {@value #DEFAULT_LISTEN} when {@code SRS_LISTEN} is unset.
     */
    public static SrsConfig configure(Map<String, String> env) throws SrsConfigException {
        SrsDirective root = SrsDirective.root(ENV_ONLY_NAME);
        List<String> warnings = new ArrayList<>();
        apply(root, env, warnings);
        if (root.child("listen") == null) {
            root.add(0, new SrsDirective("listen", List.of(DEFAULT_LISTEN), false,
                    ENV_ONLY_NAME + " (default, SRS_LISTEN unset)", 0));
        }
        return new SrsConfig(root, warnings);
    }

    private static void apply(SrsDirective root, Map<String, String> env, List<String> warnings)
            throws SrsConfigException {
        for (Variable v : VARIABLES.values()) {
            String name = v.name();
            String value = env.get(name);
            if (isUnset(value)) {
                for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
                    if (alias.getValue().equals(name) && !isUnset(env.get(alias.getKey()))) {
                        name = alias.getKey();
                        value = env.get(name);
                    }
                }
            }
            if (isUnset(value)) {
                continue;
            }
            List<String> args = v.list()
                    ? Arrays.stream(value.trim().split("\\s+")).toList()
                    : List.of(value.trim());
            String label = label(name, value);
            if (v.path().get(0).equals("vhost")) {
                applyToVhosts(root, v.path().subList(1, v.path().size()), args, label);
            } else {
                set(root, v.path(), args, label);
            }
        }
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith(PREFIX) && !VARIABLES.containsKey(name) && !ALIASES.containsKey(name)
                    && !isUnset(env.get(name))) {
                warnings.add(label(name, env.get(name)) + ": environment variable " + name
                        + " is not implemented yet; ignored");
            }
        }
    }

    private static boolean isUnset(String value) {
        return value == null || value.isBlank();
    }

    /** "NAME=value" for messages; secrets are masked and long values cut. */
    static String label(String name, String value) {
        String shown = value.trim();
        if (name.contains("PASSWORD") || name.contains("SECRET") || name.contains("TOKEN")) {
            shown = "***";
        } else if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return name + "=" + shown;
    }

    private static void applyToVhosts(SrsDirective root, List<String> path, List<String> args, String label)
            throws SrsConfigException {
        boolean hasDefault = false;
        for (SrsDirective v : root.children("vhost")) {
            hasDefault |= SrsTranslator.DEFAULT_VHOST.equals(v.arg(0));
        }
        if (!hasDefault) {
            root.add(new SrsDirective("vhost", List.of(SrsTranslator.DEFAULT_VHOST), true, label, 0));
        }
        for (SrsDirective v : root.children("vhost")) {
            if (!v.isBlock()) {
                continue; // 'vhost x;' is the file's error; the translator reports it
            }
            set(v, path, args, label);
            // SRS 3 kept play's settings and the cluster's directly in the vhost: the variable wins.
            if (path.size() == 2 && (path.get(0).equals("play") || path.get(0).equals("cluster"))) {
                for (SrsDirective old : v.children(path.get(1))) {
                    v.remove(old);
                }
            }
        }
    }

    /**
     * Sets {@code path} under {@code block} to {@code args}: the blocks on the way are the first of
     * their name (made when missing), the leaf replaces every directive of its name.
     */
    private static void set(SrsDirective block, List<String> path, List<String> args, String label)
            throws SrsConfigException {
        SrsDirective parent = block;
        for (String segment : path.subList(0, path.size() - 1)) {
            SrsDirective next = null;
            for (SrsDirective c : parent.children(segment)) {
                if (c.isBlock()) {
                    next = c;
                    break;
                }
            }
            if (next == null) {
                // a one-line form of the same name (SRS 3's 'forward a b;') gives way to the block
                int at = parent.children().size();
                for (SrsDirective old : parent.children(segment)) {
                    at = Math.min(at, parent.remove(old));
                }
                next = new SrsDirective(segment, List.of(), true, label, 0);
                parent.add(at, next);
            }
            parent = next;
        }
        String leaf = path.get(path.size() - 1);
        int at = parent.children().size();
        List<SrsDirective> old = new ArrayList<>(parent.children(leaf));
        Collections.reverse(old);
        for (SrsDirective o : old) {
            at = parent.remove(o);
        }
        parent.add(at, new SrsDirective(leaf, args, false, label, 0));
    }
}
