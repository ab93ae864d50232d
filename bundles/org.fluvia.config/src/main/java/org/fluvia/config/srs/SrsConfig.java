package org.fluvia.config.srs;

import java.util.List;
import java.util.Map;

/** A parsed SRS configuration: the directive tree plus the warnings the parser gave. */
public final class SrsConfig {

    private final SrsDirective root;
    private final List<String> warnings;

    SrsConfig(SrsDirective root, List<String> warnings) {
        this.root = root;
        this.warnings = List.copyOf(warnings);
    }

    /** A synthetic block whose children are the file's top-level directives. */
    public SrsDirective root() {
        return root;
    }

    /** Parser warnings, each "file:line: text", in file order. */
    public List<String> warnings() {
        return warnings;
    }

    /** The first argument of the first top-level directive with this name, or null. */
    public String global(String name) {
        SrsDirective d = root.child(name);
        return d == null ? null : d.arg(0);
    }

    /** The top-level {@code vhost} blocks, in file order. */
    public List<SrsDirective> vhosts() {
        return root.children("vhost");
    }

    /**
     * This configuration with the {@code SRS_*} variables of {@code env} over it (SRS 5: the
     * environment overrides the file); see {@link SrsEnvironment}. This one is not changed.
     */
    public SrsConfig withEnvironment(Map<String, String> env) throws SrsConfigException {
        return SrsEnvironment.overlay(this, env);
    }

    /** {@code fluvia -e}: SRS's defaults and the {@code SRS_*} variables of {@code env}, no file. */
    public static SrsConfig fromEnvironment(Map<String, String> env) throws SrsConfigException {
        return SrsEnvironment.configure(env);
    }

    /** The first {@code vhost} whose name is {@code name}, or null. */
    public SrsDirective vhost(String name) {
        for (SrsDirective v : vhosts()) {
            if (name.equals(v.arg(0))) {
                return v;
            }
        }
        return null;
    }
}
