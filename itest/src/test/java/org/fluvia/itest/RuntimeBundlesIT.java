package org.fluvia.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The distribution's bundle set boots in Felix: all active, our components healthy, the Web Console guarded. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeBundlesIT extends TestSupport {

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() {
        return originOptions();
    }

    @Test
    public void everyBundleOfTheDistributionIsActiveAndFragmentsAreResolved() {
        Map<String, Bundle> installed = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            installed.put(b.getSymbolicName(), b);
        }
        List<String> problems = new ArrayList<>();
        List<Path> jars = distributionBundles();
        assertTrue("the distribution has bundles", jars.size() > 20);
        for (Path jar : jars) {
            Map.Entry<String, Boolean> id = identity(jar);
            Bundle b = installed.get(id.getKey());
            if (b == null) {
                problems.add(id.getKey() + " (" + jar.getFileName() + ") is not installed");
                continue;
            }
            int expected = id.getValue() ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                problems.add(id.getKey() + " is " + state(b.getState()) + ", expected " + state(expected));
            }
        }
        assertEquals("bundle problems: " + problems, List.of(), problems);
    }

    @Test
    public void fluviaComponentsAreActiveOrWaitingForTheirConfiguration() {
        Bundle[] ours = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("org.fluvia."))
                .toArray(Bundle[]::new);
        assertTrue("our bundles are installed", ours.length >= 9);

        // SCR activates asynchronously: give references a moment to settle before judging.
        List<String> bad = List.of();
        List<String> listing = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            bad = new ArrayList<>();
            listing = new ArrayList<>();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(ours)) {
                if (!scr.isComponentEnabled(d)) {
                    listing.add(d.name + " DISABLED");
                    continue;
                }
                var configs = scr.getComponentConfigurationDTOs(d);
                if (configs.isEmpty()) {
                    // configurationPolicy=REQUIRE and no configuration yet: harmless by design
                    listing.add(d.name + " waiting for configuration (" + d.configurationPolicy + ")");
                    continue;
                }
                for (ComponentConfigurationDTO c : configs) {
                    String line = d.name + " " + componentState(c.state);
                    listing.add(line);
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                            || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        bad.add(line + (c.failure != null ? ": " + c.failure : "")
                                + (c.unsatisfiedReferences.length > 0
                                        ? " missing " + Arrays.stream(c.unsatisfiedReferences).map(r -> r.name + "=" + r.target).toList()
                                        : ""));
                    }
                }
            }
            if (bad.isEmpty()) {
                break;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        System.out.println("Fluvia components:\n  " + String.join("\n  ", listing));
        assertFalse("our bundles declare DS components", listing.isEmpty());
        assertEquals("components that cannot work", List.of(), bad);
    }

    @Test
    public void theConfigFileGivenByFrameworkPropertyOpensItsRtmpPort() {
        int port = Integer.getInteger(RTMP_PORT_PROPERTY);
        assertTrue("RTMP listens on the port of fluvia.config (" + port + ")",
                waitForTcp("127.0.0.1", port, Duration.ofSeconds(10)));
    }

    @Test
    public void webConsoleRequiresCredentials() throws Exception {
        HttpResult anonymous = consoleGetWhenReady("/system/console/bundles", null, null, Duration.ofSeconds(20));
        assertEquals(401, anonymous.status());
        HttpResult wrong = consoleGet("/system/console/bundles", CONSOLE_USER, "not-the-password");
        assertEquals(401, wrong.status());
        HttpResult admin = consoleGet("/system/console/bundles", CONSOLE_USER, CONSOLE_PASSWORD);
        assertEquals(200, admin.status());
        assertTrue("the bundles page names our bundles", admin.body().contains("org.fluvia.media.api")
                || consoleGet("/system/console/bundles.json", CONSOLE_USER, CONSOLE_PASSWORD).body().contains("org.fluvia.media.api"));
    }

    @Test
    public void webConsoleComponentsPageListsOurComponents() throws Exception {
        Bundle[] ours = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("org.fluvia."))
                .toArray(Bundle[]::new);
        List<String> names = scr.getComponentDescriptionDTOs(ours).stream().map(d -> d.name).toList();
        assertFalse("our bundles declare DS components", names.isEmpty());
        HttpResult page = consoleGetWhenReady("/system/console/components", CONSOLE_USER, CONSOLE_PASSWORD,
                Duration.ofSeconds(20));
        assertEquals(200, page.status());
        List<String> missing = names.stream().filter(n -> !page.body().contains(n)).toList();
        if (!missing.isEmpty()) {
            fail("the Components page does not list " + missing);
        }
    }

    private static String state(int s) {
        return switch (s) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    private static String componentState(int s) {
        return switch (s) {
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "state " + s;
        };
    }
}
