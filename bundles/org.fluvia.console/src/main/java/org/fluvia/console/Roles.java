package org.fluvia.console;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The role presets as sets of feature bundles, defined once here: the console switches between
 * them, and the launcher loads this class from the console's jar to start only a preset's bundles.
 * Only {@code java.*} may be used here, since the launcher loads it outside the framework.
 */
public final class Roles {

    public static final String ORIGIN = "origin";
    /** An origin that does not forward: the seed's slave. */
    public static final String ORIGIN_NOFORWARD = "origin-noforward";
    public static final String EDGE = "edge";
    /** Everything but the edge; forward is harmless there until destinations are configured. */
    public static final String ALL_IN_ONE = "all-in-one";
    /** What {@link RoleService#currentRole()} answers when no preset matches. */
    public static final String CUSTOM = "custom";

    /** The framework property naming the role the launcher started the node with. */
    public static final String ROLE_PROPERTY = "fluvia.role";

    public static final String RTMP_SERVER = "org.fluvia.rtmp.server";
    public static final String HTTP_SERVER = "org.fluvia.http.server";
    public static final String HTTP_FLV = "org.fluvia.http.flv";
    public static final String HLS = "org.fluvia.hls";
    public static final String HTTP_API = "org.fluvia.http.api";
    public static final String FORWARD = "org.fluvia.forward";
    public static final String EDGE_BUNDLE = "org.fluvia.edge";
    public static final String SECURITY = "org.fluvia.security";
    public static final String HOOKS = "org.fluvia.hooks";

    /** The bundles a role switch starts and stops; every other bundle is left alone. */
    public static final Set<String> FEATURE_BUNDLES = Set.copyOf(List.of(RTMP_SERVER, HTTP_SERVER, HTTP_FLV, HLS,
            HTTP_API, FORWARD, EDGE_BUNDLE, SECURITY, HOOKS));

    /** The factory pids whose configurations decide the inferred role (as the config bundle names them). */
    public static final String FORWARD_FACTORY_PID = "org.fluvia.forward";
    public static final String EDGE_FACTORY_PID = "org.fluvia.edge";

    private static final List<String> ORDERED_FEATURES = List.of(RTMP_SERVER, HTTP_SERVER, HTTP_FLV, HLS, HTTP_API,
            FORWARD, EDGE_BUNDLE, SECURITY, HOOKS);

    private static final Map<String, Set<String>> PRESETS = new LinkedHashMap<>();

    static {
        Set<String> serving = setOf(RTMP_SERVER, HTTP_SERVER, HTTP_FLV, HLS, HTTP_API, SECURITY, HOOKS);
        PRESETS.put(ORIGIN, with(serving, FORWARD));
        PRESETS.put(ORIGIN_NOFORWARD, serving);
        PRESETS.put(EDGE, with(serving, EDGE_BUNDLE));
        Set<String> all = new LinkedHashSet<>(ORDERED_FEATURES);
        all.remove(EDGE_BUNDLE);
        PRESETS.put(ALL_IN_ONE, Set.copyOf(all));
    }

    private Roles() {
    }

    /** The preset names, in the order the console offers them. */
    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /** The feature bundles in display order. */
    public static List<String> orderedFeatureBundles() {
        return ORDERED_FEATURES;
    }

    /** The feature bundles of a preset. */
    public static Set<String> bundles(String role) {
        Set<String> set = role == null ? null : PRESETS.get(role);
        if (set == null) {
            throw new IllegalArgumentException("unknown role '" + role + "': use one of " + String.join(", ", names()));
        }
        return set;
    }

    /** True for a bundle that role switches start and stop. */
    public static boolean isFeatureBundle(String symbolicName) {
        return FEATURE_BUNDLES.contains(symbolicName);
    }

    /**
     * The role an SRS configuration asks for, from the factory pids of what it translates into:
     * an edge configuration ({@code cluster { mode remote; }}) makes an edge, forward destinations an
     * origin; otherwise all-in-one. An edge wins over forward, as SRS does not forward pulled streams.
     */
    public static String infer(Collection<String> factoryPids) {
        if (factoryPids.contains(EDGE_FACTORY_PID)) {
            return EDGE;
        }
        if (factoryPids.contains(FORWARD_FACTORY_PID)) {
            return ORIGIN;
        }
        return ALL_IN_ONE;
    }

    /**
     * The preset whose bundle set equals the active feature bundles, judged over the installed ones
     * only (a preset bundle that is not installed cannot be active). Several presets can match
     * (origin and all-in-one run the same bundles; without the forward bundle installed, origin and
     * origin-noforward do): then {@code preferred} when it is among them (the role the node was
     * started or last switched with), else the first in {@link #names()} order. {@link #CUSTOM}
     * when none matches or no feature bundle is installed.
     */
    public static String match(Set<String> active, Set<String> installed, String preferred) {
        Set<String> activeFeatures = new LinkedHashSet<>();
        Set<String> installedFeatures = new LinkedHashSet<>();
        for (String b : ORDERED_FEATURES) {
            if (installed.contains(b)) {
                installedFeatures.add(b);
                if (active.contains(b)) {
                    activeFeatures.add(b);
                }
            }
        }
        if (installedFeatures.isEmpty()) {
            return CUSTOM;
        }
        String first = null;
        for (Map.Entry<String, Set<String>> e : PRESETS.entrySet()) {
            Set<String> expected = new LinkedHashSet<>(e.getValue());
            expected.retainAll(installedFeatures);
            if (expected.equals(activeFeatures)) {
                if (e.getKey().equals(preferred)) {
                    return preferred;
                }
                if (first == null) {
                    first = e.getKey();
                }
            }
        }
        return first != null ? first : CUSTOM;
    }

    private static Set<String> setOf(String... names) {
        return Set.copyOf(List.of(names));
    }

    private static Set<String> with(Set<String> base, String extra) {
        Set<String> s = new LinkedHashSet<>(base);
        s.add(extra);
        return Set.copyOf(s);
    }
}
