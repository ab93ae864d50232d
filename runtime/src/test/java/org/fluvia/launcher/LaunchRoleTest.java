package org.fluvia.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchRoleTest {

    @TempDir
    Path bundleDir;

    @Test
    void theRoleComesFromTheConsoleJarsPresets() throws Exception {
        consoleJar();
        LaunchRole edge = LaunchRole.choose(bundleDir, null, List.of("org.fluvia.media.core.vhost", "org.fluvia.edge"));
        assertEquals("edge", edge.name());
        assertTrue(edge.starts("org.fluvia.edge"));
        assertFalse(edge.starts("org.fluvia.forward"), "forward is no part of an edge");
        assertTrue(edge.starts("org.fluvia.media.core"), "non-feature bundles always start");
        assertTrue(edge.starts("org.apache.felix.scr"));

        LaunchRole origin = LaunchRole.choose(bundleDir, null, List.of("org.fluvia.forward"));
        assertEquals("origin", origin.name());
        assertTrue(origin.starts("org.fluvia.forward"));
        assertFalse(origin.starts("org.fluvia.edge"));

        assertEquals("all-in-one", LaunchRole.choose(bundleDir, null, List.of()).name());
        LaunchRole slave = LaunchRole.choose(bundleDir, "origin-noforward", List.of("org.fluvia.forward"));
        assertEquals("origin-noforward", slave.name(), "--role wins over the configuration");
        assertFalse(slave.starts("org.fluvia.forward"));
        assertTrue(slave.starts("org.fluvia.rtmp.server"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchRole.choose(bundleDir, "master", List.of()));
        assertTrue(e.getMessage().contains("origin-noforward"), e.getMessage());
    }

    @Test
    void withoutTheConsoleBundleEveryBundleStartsAndRoleIsRefused() throws Exception {
        assertNull(LaunchRole.choose(bundleDir, null, List.of("org.fluvia.edge")));
        assertThrows(IllegalStateException.class, () -> LaunchRole.choose(bundleDir, "edge", List.of()));
    }

    @Test
    void roleOptionIsParsed() throws Exception {
        assertEquals("edge", Main.parse(new String[] {"--role", "edge"}, Map.of()).role);
        assertEquals("origin", Main.parse(new String[] {"--role=origin", "-c", "x.conf"}, Map.of()).role);
        assertNull(Main.parse(new String[0], Map.of()).role);
        assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--role"}, Map.of()));
    }

    /** The console bundle from this module's dependencies (a jar, or the reactor's classes folder), as bundle/ holds it. */
    private void consoleJar() throws Exception {
        Path source = Path.of(Class.forName("org.fluvia.console.Roles").getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = bundleDir.resolve("org.fluvia.console-0.1.0-SNAPSHOT.jar");
        if (Files.isRegularFile(source)) {
            Files.copy(source, target);
            return;
        }
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target)); Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                jar.putNextEntry(new JarEntry(source.relativize(f).toString().replace('\\', '/')));
                copy(f, jar);
                jar.closeEntry();
            }
        }
    }

    private static void copy(Path f, OutputStream out) throws IOException {
        Files.copy(f, out);
    }
}
