package org.fluvia.launcher;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The role a node starts with: {@code --role NAME}, or the one its configuration asks for. The
 * presets are the console bundle's {@code org.fluvia.console.Roles} (defined once, there), loaded
 * from the console's jar in {@code bundle/} before Felix starts: the launcher then starts only the
 * role's feature bundles, so nothing runs that should not, not even for a moment.
 */
final class LaunchRole {

    /** The framework property the console's RoleService reads (the tie-breaker between equal presets). */
    static final String PROPERTY = "fluvia.role";
    static final String ROLES_CLASS = "org.fluvia.console.Roles";
    static final String CONSOLE_JAR_PREFIX = "org.fluvia.console-";

    private final String name;
    private final boolean inferred;
    private final Set<String> bundles;
    private final Set<String> features;

    private LaunchRole(String name, boolean inferred, Set<String> bundles, Set<String> features) {
        this.name = name;
        this.inferred = inferred;
        this.bundles = bundles;
        this.features = features;
    }

    /**
     * The role {@code explicit} (null: inferred from the factory pids the configuration produces),
     * or null when {@code bundleDir} holds no console bundle (then every bundle starts).
     *
     * @throws IllegalArgumentException for an unknown role, naming the known ones
     * @throws IllegalStateException when there is no console bundle but a role was asked for
     */
    @SuppressWarnings("unchecked")
    static LaunchRole choose(Path bundleDir, String explicit, Collection<String> factoryPids) throws IOException {
        Path jar;
        try (Stream<Path> s = Files.list(bundleDir)) {
            jar = s.filter(f -> f.getFileName().toString().startsWith(CONSOLE_JAR_PREFIX)
                    && f.getFileName().toString().endsWith(".jar")).sorted().findFirst().orElse(null);
        }
        if (jar == null) {
            if (explicit != null) {
                throw new IllegalStateException("--role needs the console bundle (" + CONSOLE_JAR_PREFIX + "*.jar) in " + bundleDir);
            }
            return null;
        }
        // Roles uses java.* only: the platform loader is parent enough, and nothing stays loaded
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> roles = loader.loadClass(ROLES_CLASS);
            String name = explicit != null ? explicit
                    : (String) roles.getMethod("infer", Collection.class).invoke(null, List.copyOf(factoryPids));
            Set<String> bundles = Set.copyOf((Set<String>) roles.getMethod("bundles", String.class).invoke(null, name));
            Set<String> features = Set.copyOf((Set<String>) roles.getField("FEATURE_BUNDLES").get(null));
            return new LaunchRole(name, explicit == null, bundles, features);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalStateException("cannot read the roles of " + jar.getFileName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot read the roles of " + jar.getFileName() + ": " + e, e);
        }
    }

    String name() {
        return name;
    }

    /** False for a feature bundle outside the role; every other bundle starts. */
    boolean starts(String symbolicName) {
        return !features.contains(symbolicName) || bundles.contains(symbolicName);
    }

    @Override
    public String toString() {
        return name + (inferred ? " (from the configuration)" : " (--role)");
    }
}
