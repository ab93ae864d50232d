package org.fluvia.console;

import static org.fluvia.console.Roles.ALL_IN_ONE;
import static org.fluvia.console.Roles.CUSTOM;
import static org.fluvia.console.Roles.EDGE;
import static org.fluvia.console.Roles.ORIGIN;
import static org.fluvia.console.Roles.ORIGIN_NOFORWARD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RolesTest {

    private static final Set<String> ALL = Roles.FEATURE_BUNDLES;

    @Test
    void presetsAreTheBundleSetsOfTheIssue() {
        assertEquals(List.of(ORIGIN, ORIGIN_NOFORWARD, EDGE, ALL_IN_ONE), Roles.names());
        Set<String> serving = Set.of("org.fluvia.rtmp.server", "org.fluvia.http.server", "org.fluvia.http.flv",
                "org.fluvia.hls", "org.fluvia.http.api", "org.fluvia.security", "org.fluvia.hooks");
        assertEquals(plus(serving, "org.fluvia.forward"), Roles.bundles(ORIGIN));
        assertEquals(serving, Roles.bundles(ORIGIN_NOFORWARD));
        assertEquals(plus(serving, "org.fluvia.edge"), Roles.bundles(EDGE));
        assertEquals(minus(ALL, "org.fluvia.edge"), Roles.bundles(ALL_IN_ONE));
        for (String role : Roles.names()) {
            assertTrue(ALL.containsAll(Roles.bundles(role)), role + " holds only feature bundles");
            assertTrue(Roles.bundles(role).contains("org.fluvia.rtmp.server"), role + " serves RTMP");
        }
    }

    @Test
    void theHubCodecsTransportAndConsoleAreNoFeatureBundles() {
        for (String bsn : List.of("org.fluvia.media.api", "org.fluvia.media.core", "org.fluvia.codec.rtmp",
                "org.fluvia.transport", "org.fluvia.rtmp.client", "org.fluvia.config", "org.fluvia.console",
                "org.apache.felix.scr")) {
            assertFalse(Roles.isFeatureBundle(bsn), bsn);
        }
    }

    @Test
    void anUnknownRoleIsRefusedNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Roles.bundles("master"));
        assertTrue(e.getMessage().contains("'master'") && e.getMessage().contains("origin-noforward"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Roles.bundles(null));
    }

    @Test
    void inferenceFromTheConfigurationsAnSrsFileProduces() {
        assertEquals(EDGE, Roles.infer(List.of("org.fluvia.media.core.vhost", "org.fluvia.edge")), "cluster mode remote");
        assertEquals(ORIGIN, Roles.infer(List.of("org.fluvia.media.core.vhost", "org.fluvia.forward")), "forward destinations");
        assertEquals(EDGE, Roles.infer(List.of("org.fluvia.forward", "org.fluvia.edge")), "edge wins over forward");
        assertEquals(ALL_IN_ONE, Roles.infer(List.of("org.fluvia.media.core.vhost", "org.fluvia.hls")));
        assertEquals(ALL_IN_ONE, Roles.infer(List.of()));
    }

    @Test
    void matcherFindsThePresetOfTheActiveBundles() {
        assertEquals(EDGE, Roles.match(Roles.bundles(EDGE), ALL, null));
        assertEquals(ORIGIN_NOFORWARD, Roles.match(Roles.bundles(ORIGIN_NOFORWARD), ALL, null));
        // origin and all-in-one run the same bundles: the first preset, unless the node declared the other
        assertEquals(ORIGIN, Roles.match(Roles.bundles(ORIGIN), ALL, null));
        assertEquals(ALL_IN_ONE, Roles.match(Roles.bundles(ORIGIN), ALL, ALL_IN_ONE));
        assertEquals(ORIGIN, Roles.match(Roles.bundles(ALL_IN_ONE), ALL, ORIGIN));
        // a declared role that does not match does not win
        assertEquals(EDGE, Roles.match(Roles.bundles(EDGE), ALL, ORIGIN));
    }

    @Test
    void matcherAnswersCustomForAnythingElse() {
        assertEquals(CUSTOM, Roles.match(ALL, ALL, null), "edge and forward together");
        assertEquals(CUSTOM, Roles.match(minus(Roles.bundles(EDGE), "org.fluvia.hls"), ALL, EDGE), "edge without HLS");
        assertEquals(CUSTOM, Roles.match(Set.of(), ALL, null), "nothing active");
        assertEquals(CUSTOM, Roles.match(Set.of(), Set.of(), null), "no feature bundle installed");
    }

    @Test
    void matcherJudgesOnlyInstalledBundlesAndIgnoresOthers() {
        // a distribution without the forward bundle: origin and origin-noforward look the same
        Set<String> installed = minus(ALL, "org.fluvia.forward");
        Set<String> active = minus(Roles.bundles(ORIGIN), "org.fluvia.forward");
        assertEquals(ORIGIN, Roles.match(active, installed, null));
        assertEquals(ORIGIN_NOFORWARD, Roles.match(active, installed, ORIGIN_NOFORWARD));
        // non-feature bundles (the hub, the console) do not count
        Set<String> withHub = plus(Roles.bundles(EDGE), "org.fluvia.media.core");
        assertEquals(EDGE, Roles.match(withHub, plus(ALL, "org.fluvia.media.core"), null));
    }

    private static Set<String> plus(Set<String> s, String e) {
        Set<String> r = new HashSet<>(s);
        r.add(e);
        return r;
    }

    private static Set<String> minus(Set<String> s, String e) {
        Set<String> r = new HashSet<>(s);
        r.remove(e);
        return r;
    }
}
