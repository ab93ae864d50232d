package org.fluvia.config.srs;

import java.util.List;

/**
 * What an SRS configuration becomes: the configurations to apply, and every warning (the
 * parser's first, then the translator's), each "file:line: text".
 */
public record Translation(List<ConfigurationSpec> configurations, List<String> warnings) {

    public Translation {
        configurations = List.copyOf(configurations);
        warnings = List.copyOf(warnings);
    }

    /** The first configuration with this singleton pid, or null. */
    public ConfigurationSpec singleton(String pid) {
        for (ConfigurationSpec s : configurations) {
            if (pid.equals(s.pid())) {
                return s;
            }
        }
        return null;
    }

    /** The factory configuration with this factory pid and name, or null. */
    public ConfigurationSpec factory(String factoryPid, String name) {
        for (ConfigurationSpec s : configurations) {
            if (factoryPid.equals(s.factoryPid()) && name.equals(s.name())) {
                return s;
            }
        }
        return null;
    }
}
