package org.fluvia.config.srs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One Configuration Admin configuration to create or update: a singleton ({@code pid} set,
 * {@code factoryPid} and {@code name} null) or a named factory configuration ({@code factoryPid}
 * and {@code name} set, {@code pid} null).
 */
public record ConfigurationSpec(String pid, String factoryPid, String name, Map<String, Object> properties) {

    public ConfigurationSpec {
        if ((pid == null) == (factoryPid == null)) {
            throw new IllegalArgumentException("exactly one of pid and factoryPid must be set");
        }
        if (factoryPid != null) {
            Objects.requireNonNull(name, "a factory configuration needs a name");
        }
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A singleton configuration. */
    public static ConfigurationSpec singleton(String pid, Map<String, Object> properties) {
        return new ConfigurationSpec(pid, null, null, properties);
    }

    /** A named factory configuration (ConfigAdmin 1.6), e.g. one per vhost. */
    public static ConfigurationSpec factory(String factoryPid, String name, Map<String, Object> properties) {
        return new ConfigurationSpec(null, factoryPid, name, properties);
    }

    public boolean isFactory() {
        return factoryPid != null;
    }
}
