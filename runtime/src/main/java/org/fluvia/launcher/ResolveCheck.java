package org.fluvia.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Build-time check that every bundle of a distribution's bundle/ folder resolves in the Felix of
 * its lib/ folder, without starting any of them. Exits 1 and names each missing requirement otherwise.
 * Usage: {@code ResolveCheck <dist> <scratch-dir>}.
 */
public final class ResolveCheck {

    private ResolveCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]);
        Path storage = Path.of(args[1]);
        Framework fw = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow()
                .newFramework(Map.of(
                        Constants.FRAMEWORK_STORAGE, storage.toString(),
                        Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                        "felix.log.level", "0"));
        fw.init();
        List<Bundle> bundles = new ArrayList<>();
        try (Stream<Path> s = Files.list(dist.resolve("bundle"))) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                bundles.add(fw.getBundleContext().installBundle(jar.toUri().toString()));
            }
        }
        fw.start();
        boolean all = fw.adapt(FrameworkWiring.class).resolveBundles(bundles);
        List<String> problems = new ArrayList<>();
        if (!all) {
            for (Bundle b : bundles) {
                if (b.getState() != Bundle.INSTALLED) {
                    continue;
                }
                try {
                    b.start(Bundle.START_TRANSIENT); // fails with the resolver's explanation; no activator runs
                    problems.add(b.getSymbolicName() + ": unresolved");
                } catch (BundleException e) {
                    problems.add(b.getSymbolicName() + ": " + e.getMessage());
                }
            }
        }
        fw.stop();
        fw.waitForStop(10_000);
        if (problems.isEmpty()) {
            System.out.println("resolve check: all " + bundles.size() + " bundles of " + dist.resolve("bundle") + " resolve");
            return;
        }
        System.err.println("resolve check FAILED: these bundles of " + dist.resolve("bundle") + " do not resolve"
                + " (add what they need to runtime/pom.xml):");
        problems.forEach(p -> System.err.println("  " + p));
        System.exit(1);
    }
}
