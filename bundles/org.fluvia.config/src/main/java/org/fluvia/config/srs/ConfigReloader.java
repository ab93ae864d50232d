package org.fluvia.config.srs;

/**
 * Re-reads the node's configuration and applies what changed (SRS's reload, {@code kill -HUP}).
 * Registered as an OSGi service by the config bundle; the launcher, which cannot share this
 * interface's class with the bundle, calls it by name: the service's object class is
 * {@link #SERVICE}, its method {@code reload()}.
 */
public interface ConfigReloader {

    /** The service's object class, for callers outside the bundle's class space. */
    String SERVICE = "org.fluvia.config.srs.ConfigReloader";

    /**
     * Re-reads the configuration (the file, or the environment) and applies only the difference to
     * Configuration Admin; on an error nothing changes and one ERROR (file:line) is logged.
     *
     * @return true when the configuration was valid and applied
     */
    boolean reload();
}
