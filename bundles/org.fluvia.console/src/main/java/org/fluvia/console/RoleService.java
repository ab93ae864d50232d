package org.fluvia.console;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The role of the running node, read from and applied to the state of its feature bundles
 * ({@link Roles#FEATURE_BUNDLES}); nothing else in Fluvia checks a role.
 */
@ProviderType
public interface RoleService {

    /** The preset whose bundle set matches the active feature bundles, or {@link Roles#CUSTOM}. */
    String currentRole();

    /**
     * Each installed feature bundle, in {@link Roles#FEATURE_BUNDLES} order, and whether it is
     * active; a feature bundle that is not installed is not listed.
     */
    Map<String, Boolean> featureBundles();

    /**
     * Starts the installed feature bundles of the preset {@code role} and stops the other feature
     * bundles (persistently: the state survives a framework restart that keeps its cache). The
     * hub, the codecs, the transport, the console and the framework's own bundles are never touched.
     *
     * @throws IllegalArgumentException when {@code role} is not one of {@link Roles#names()}
     * @throws IllegalStateException when a bundle could not be started or stopped (the others were)
     */
    void switchRole(String role);
}
