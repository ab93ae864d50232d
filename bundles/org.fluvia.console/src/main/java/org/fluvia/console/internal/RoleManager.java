package org.fluvia.console.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fluvia.console.RoleService;
import org.fluvia.console.Roles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the node's role from its feature bundles' states and switches it by starting and stopping them. */
@Component(service = RoleService.class, immediate = true)
public final class RoleManager implements RoleService {

    private static final Logger LOG = LoggerFactory.getLogger(RoleManager.class);

    private final BundleContext context;
    /** The role the node was started with or last switched to: the tie-breaker between equal presets. */
    private volatile String declared;

    @Activate
    public RoleManager(BundleContext context) {
        this.context = context;
        String started = context.getProperty(Roles.ROLE_PROPERTY);
        this.declared = started != null && Roles.names().contains(started.trim()) ? started.trim() : null;
    }

    @Override
    public String currentRole() {
        Set<String> installed = new HashSet<>();
        Set<String> active = new HashSet<>();
        for (Bundle b : features()) {
            installed.add(b.getSymbolicName());
            if (b.getState() == Bundle.ACTIVE) {
                active.add(b.getSymbolicName());
            }
        }
        return Roles.match(active, installed, declared);
    }

    @Override
    public Map<String, Boolean> featureBundles() {
        Map<String, Boolean> byName = new LinkedHashMap<>();
        Map<String, Bundle> installed = new LinkedHashMap<>();
        for (Bundle b : features()) {
            installed.put(b.getSymbolicName(), b);
        }
        for (String name : Roles.orderedFeatureBundles()) {
            Bundle b = installed.get(name);
            if (b != null) {
                byName.put(name, b.getState() == Bundle.ACTIVE);
            }
        }
        return byName;
    }

    @Override
    public synchronized void switchRole(String role) {
        Set<String> wanted = Roles.bundles(role == null ? null : role.trim());
        String name = role.trim();
        List<Bundle> features = features();
        List<String> failures = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<String> started = new ArrayList<>();
        // Stop first: an edge and a forward never run side by side, not even for a moment.
        for (Bundle b : features) {
            if (!wanted.contains(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                try {
                    boolean wasActive = b.getState() == Bundle.ACTIVE;
                    b.stop();
                    if (wasActive) {
                        stopped.add(b.getSymbolicName());
                    }
                } catch (BundleException | IllegalStateException e) {
                    failures.add("cannot stop " + b.getSymbolicName() + ": " + e.getMessage());
                }
            }
        }
        for (Bundle b : features) {
            if (wanted.contains(b.getSymbolicName())) {
                try {
                    boolean wasActive = b.getState() == Bundle.ACTIVE;
                    b.start();
                    if (!wasActive) {
                        started.add(b.getSymbolicName());
                    }
                } catch (BundleException | IllegalStateException e) {
                    failures.add("cannot start " + b.getSymbolicName() + ": " + e.getMessage());
                }
            }
        }
        declared = name;
        LOG.info("role {}: started {}, stopped {}", name, started, stopped);
        if (!failures.isEmpty()) {
            LOG.warn("role {}: {}", name, failures);
            throw new IllegalStateException("role " + name + " is not complete: " + String.join("; ", failures));
        }
    }

    /** The installed feature bundles (one per name: the highest id wins if a name is installed twice). */
    private List<Bundle> features() {
        Map<String, Bundle> byName = new LinkedHashMap<>();
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn != null && Roles.isFeatureBundle(bsn) && b.getState() != Bundle.UNINSTALLED) {
                byName.put(bsn, b);
            }
        }
        return new ArrayList<>(byName.values());
    }
}
