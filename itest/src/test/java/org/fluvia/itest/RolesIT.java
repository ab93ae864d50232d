package org.fluvia.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Inject;

import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Roles on a running node: the console page lists the role and the streams, switching the role
 * through the console's RoleService starts and stops only the feature bundles while an RTMP player
 * keeps playing, and the fluvia:* Gogo commands run through the shell's CommandProcessor.
 * <p>
 * The console's API and Gogo are not on this module's class path: their services are called
 * through their interfaces as loaded by the bundles that provide them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RolesIT extends TestSupport {

    private static final String ROLE_SERVICE = "org.fluvia.console.RoleService";
    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";
    private static final String FORWARD = "org.fluvia.forward";
    private static final String EDGE = "org.fluvia.edge";
    private static final List<String> FEATURES = List.of("org.fluvia.rtmp.server", "org.fluvia.http.server",
            "org.fluvia.http.flv", "org.fluvia.hls", "org.fluvia.http.api", FORWARD, EDGE, "org.fluvia.security",
            "org.fluvia.hooks");

    @Inject
    private BundleContext context;

    @Inject
    private StreamRegistry registry;

    @Inject
    private ClientRegistry clients;

    private final List<Process> processes = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return originOptions();
    }

    @After
    public void stopProcessesAndStartEveryFeatureBundle() throws Exception {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
        processes.clear();
        for (String bsn : FEATURES) {
            Bundle b = installedBundle(context, bsn);
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
    }

    @Test
    public void consolePageShowsTheRoleAndAPublishedStreamBehindBasicAuth() throws Exception {
        String name = "console";
        publish(name, Files.createTempDirectory("fluvia-itest-roles-page"));
        String role = (String) role("currentRole");

        HttpResult page = consoleGetWhenReady("/system/console/fluvia", CONSOLE_USER, CONSOLE_PASSWORD, Duration.ofSeconds(20));
        assertEquals("the plugin page answers: " + page.body(), 200, page.status());
        assertTrue("the page names the role " + role + ":\n" + page.body(),
                page.body().contains("<span id=\"fluvia-role\">" + role + "</span>"));
        assertTrue("the page lists the published stream live/" + name + ":\n" + page.body(),
                page.body().contains("<tr><td>live/" + name + "</td><td>yes</td><td>publish"));
        assertTrue("the page lists the publisher as an rtmp client:\n" + page.body(),
                page.body().contains("<td>rtmp</td><td>publish</td>"));
        assertTrue("the page lists the edge bundle:\n" + page.body(), page.body().contains(">org.fluvia.edge</a>"));
        assertTrue("the Web Console's navigation has the plugin in its category:\n" + page.body(),
                page.body().contains("Fluvia"));
        assertEquals("no page without the password", 401,
                consoleGet("/system/console/fluvia", CONSOLE_USER, "wrong").status());

        // the role form of the page works too
        HttpResult posted = consolePost("/system/console/fluvia", "action=role&role=edge");
        assertEquals("the role form redirects back to the page: " + posted.body(), 303, posted.status());
        assertTrue("the redirect carries the outcome: " + posted.body(),
                posted.body().contains("Location: /system/console/fluvia?msg=role+switched+to+edge"));
        assertEquals(Roles.EDGE_ROLE, role("currentRole"));
        assertEquals(Bundle.ACTIVE, installedBundle(context, EDGE).getState());
        assertEquals(Bundle.RESOLVED, installedBundle(context, FORWARD).getState());
        HttpResult after = consoleGet("/system/console/fluvia", CONSOLE_USER, CONSOLE_PASSWORD);
        assertTrue("the page shows the new role:\n" + after.body(),
                after.body().contains("<span id=\"fluvia-role\">edge</span>"));
    }

    @Test
    public void switchingOriginEdgeOriginStartsAndStopsOnlyFeatureBundlesWhileAnRtmpPlayerPlays() throws Exception {
        String name = "roles";
        Path dir = Files.createTempDirectory("fluvia-itest-roles");
        try (LeakWatch leaks = new LeakWatch()) {
            publish(name, dir);
            Path out = dir.resolve("player.flv");
            Process player = track(Ffmpeg.record(rtmpUrl(name), 0, out, dir.resolve("player.log")));
            assertKeepsGrowing("the RTMP player", out, dir.resolve("player.log"));
            Map<String, Integer> others = nonFeatureStates();

            for (String role : List.of(Roles.ORIGIN_ROLE, Roles.EDGE_ROLE, Roles.ORIGIN_ROLE)) {
                role("switchRole", role);
                assertEquals("after switching to " + role, role, role("currentRole"));
                boolean edge = role.equals(Roles.EDGE_ROLE);
                assertEquals("org.fluvia.edge in " + role, edge ? Bundle.ACTIVE : Bundle.RESOLVED,
                        installedBundle(context, EDGE).getState());
                assertEquals("org.fluvia.forward in " + role, edge ? Bundle.RESOLVED : Bundle.ACTIVE,
                        installedBundle(context, FORWARD).getState());
                @SuppressWarnings("unchecked")
                Map<String, Boolean> features = (Map<String, Boolean>) role("featureBundles");
                assertEquals("featureBundles() in " + role, !edge, features.get(FORWARD));
                assertEquals("featureBundles() in " + role, edge, features.get(EDGE));
                for (String bsn : FEATURES) {
                    if (!bsn.equals(EDGE) && !bsn.equals(FORWARD)) {
                        assertEquals(bsn + " runs in " + role, Bundle.ACTIVE, installedBundle(context, bsn).getState());
                        assertTrue(bsn + " in featureBundles()", features.get(bsn));
                    }
                }
                assertEquals("no bundle but the feature bundles changed state (" + role + ")", others, nonFeatureStates());
                assertKeepsGrowing("the RTMP player in " + role, out, dir.resolve("player.log"));
                assertTrue("the player is still connected in " + role + "\n" + Ffmpeg.read(dir.resolve("player.log")),
                        player.isAlive());
                Stream s = registry.stream(StreamKey.of("live", name));
                assertTrue("the stream is still published in " + role, s != null && s.isPublished());
                assertEquals("one reader (the player) in " + role, 1, s.readerCount());
            }
            assertEquals("the persistent start state follows: org.fluvia.edge is marked stopped",
                    Bundle.RESOLVED, installedBundle(context, EDGE).getState());
            try {
                role("switchRole", "master");
                fail("an unknown role is refused");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("origin-noforward"));
            }
            assertEquals(Roles.ORIGIN_ROLE, role("currentRole"));
            leaks.assertNoLeaks();
        }
    }

    @Test
    public void gogoCommandsListStreamsAndClientsAndKickAClient() throws Exception {
        String name = "gogo";
        publish(name, Files.createTempDirectory("fluvia-itest-roles-gogo"));
        ServiceReference<?> ref = serviceReference(COMMAND_PROCESSOR);
        Object processor = context.getService(ref);
        Class<?> processorType = ref.getBundle().loadClass(COMMAND_PROCESSOR);
        Class<?> sessionType = ref.getBundle().loadClass(COMMAND_SESSION);
        ByteArrayOutputStream sessionOut = new ByteArrayOutputStream();
        Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                .invoke(processor, new ByteArrayInputStream(new byte[0]), sessionOut, sessionOut);
        assertNotNull("a Gogo session", session);
        try {
            String streams = String.valueOf(execute(sessionType, session, "fluvia:streams"));
            assertTrue("fluvia:streams lists live/" + name + ":\n" + streams, streams.contains("live/" + name)
                    && streams.contains("publish"));
            String role = String.valueOf(execute(sessionType, session, "fluvia:role"));
            assertTrue("fluvia:role prints the role:\n" + role, role.startsWith("role: " + role("currentRole")));
            String list = String.valueOf(execute(sessionType, session, "fluvia:clients"));
            Client publisher = clients.clients().stream()
                    .filter(c -> c.role() == Client.Role.PUBLISH && StreamKey.of("live", name).equals(c.stream()))
                    .findFirst().orElseThrow(() -> new AssertionError("no publisher client for live/" + name));
            assertTrue("fluvia:clients lists the publisher " + publisher.id() + ":\n" + list,
                    list.lines().anyMatch(l -> l.startsWith(publisher.id() + " ") && l.contains("rtmp") && l.contains("publish")));

            String kicked = String.valueOf(execute(sessionType, session, "fluvia:kick " + publisher.id()));
            assertTrue(kicked, kicked.contains("kicked client " + publisher.id()));
            assertTrue("the kicked publisher's stream ends", await(Duration.ofSeconds(10), () -> {
                Stream s = registry.stream(StreamKey.of("live", name));
                return s == null || !s.isPublished();
            }));
            String switched = String.valueOf(execute(sessionType, session, "fluvia:role origin-noforward"));
            assertTrue("fluvia:role NAME switches:\n" + switched, switched.startsWith("role: origin-noforward"));
            assertEquals(Bundle.RESOLVED, installedBundle(context, FORWARD).getState());
            assertEquals(Bundle.RESOLVED, installedBundle(context, EDGE).getState());
        } finally {
            sessionType.getMethod("close").invoke(session);
            context.ungetService(ref);
        }
    }

    /** The role names, as strings: the console's Roles class is not on this module's class path. */
    private static final class Roles {
        static final String ORIGIN_ROLE = "origin";
        static final String EDGE_ROLE = "edge";
    }

    private void publish(String name, Path dir) throws Exception {
        track(Ffmpeg.publish(rtmpUrl(name), 60, dir.resolve("pub.log")));
        assertTrue("published\n" + Ffmpeg.read(dir.resolve("pub.log")), await(Duration.ofSeconds(15), () -> {
            Stream s = registry.stream(StreamKey.of("live", name));
            return s != null && s.isPublished();
        }));
    }

    private static String rtmpUrl(String name) {
        return "rtmp://127.0.0.1:" + Integer.getInteger(RTMP_PORT_PROPERTY) + "/live/" + name;
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    /** Calls a RoleService method through the interface the console bundle exports. */
    private Object role(String method, Object... args) throws Exception {
        ServiceReference<?> ref = serviceReference(ROLE_SERVICE);
        Object service = context.getService(ref);
        try {
            Class<?> type = ref.getBundle().loadClass(ROLE_SERVICE);
            Class<?>[] types = new Class<?>[args.length];
            for (int i = 0; i < args.length; i++) {
                types[i] = args[i].getClass();
            }
            Method m = type.getMethod(method, types);
            return m.invoke(service, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } finally {
            context.ungetService(ref);
        }
    }

    private Object execute(Class<?> sessionType, Object session, String command) throws Exception {
        try {
            return sessionType.getMethod("execute", CharSequence.class).invoke(session, command);
        } catch (InvocationTargetException e) {
            throw new AssertionError(command + " failed: " + e.getCause(), e.getCause());
        }
    }

    private ServiceReference<?> serviceReference(String type) throws Exception {
        ServiceReference<?>[] refs = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((refs == null || refs.length == 0) && System.nanoTime() < deadline) {
            refs = context.getAllServiceReferences(type, null);
            if (refs == null) {
                sleep(100);
            }
        }
        assertTrue("a " + type + " service", refs != null && refs.length > 0);
        return refs[0];
    }

    /** Symbolic name to state of every bundle that is not a feature bundle. */
    private Map<String, Integer> nonFeatureStates() {
        Map<String, Integer> m = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            if (!FEATURES.contains(b.getSymbolicName())) {
                m.put(b.getSymbolicName() + " [" + b.getBundleId() + "]", b.getState());
            }
        }
        return m;
    }

    /** POST a form to the Web Console with the test credentials; redirects are not followed. */
    private static HttpResult consolePost(String path, String form) throws IOException {
        int port = Integer.getInteger(CONSOLE_PORT_PROPERTY, 8088);
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(20000);
        c.setInstanceFollowRedirects(false);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((CONSOLE_USER + ":" + CONSOLE_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        try {
            try (OutputStream o = c.getOutputStream()) {
                o.write(form.getBytes(StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new HttpResult(status, (in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    + " Location: " + c.getHeaderField("Location"));
        } finally {
            c.disconnect();
        }
    }

    private static void assertKeepsGrowing(String what, Path file, Path log) {
        for (int i = 0; i < 2; i++) {
            long size = Ffmpeg.size(file);
            if (!await(Duration.ofSeconds(i == 0 ? 5 : 1), () -> Ffmpeg.size(file) > size)) {
                fail(what + " stopped receiving: " + file + " stays at " + size + " bytes\n" + Ffmpeg.read(log));
            }
            sleep(500);
        }
    }
}
