package org.fluvia.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Shared Pax Exam option sets and helpers: the ITs boot exactly the bundles of the distribution
 * (runtime zip unpacked into target/fluvia), by file URL, in the Felix the native container provides.
 */
public abstract class TestSupport {

    public static final String CONSOLE_USER = "admin";
    public static final String CONSOLE_PASSWORD = "admin";
    /** The Web Console port of the framework under test; a system property so the probe sees it too. */
    public static final String CONSOLE_PORT_PROPERTY = "fluvia.itest.console.port";

    /** The RTMP port the test configuration (fluvia.config) gives the node under test. */
    public static final String RTMP_PORT_PROPERTY = "fluvia.itest.rtmp.port";

    /** The unpacked distribution. */
    public static Path dist() {
        String d = System.getProperty("fluvia.dist");
        Path p = d != null ? Path.of(d) : Path.of("target/fluvia");
        if (!Files.isDirectory(p.resolve("bundle"))) {
            throw new IllegalStateException("no distribution at " + p.toAbsolutePath() + " (run through maven-failsafe)");
        }
        return p.toAbsolutePath().normalize();
    }

    /** Every jar of the distribution's bundle/ folder, sorted by file name. */
    public static List<Path> distributionBundles() {
        try (Stream<Path> s = Files.list(dist().resolve("bundle"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bundle-SymbolicName (without directives) and whether the jar is a fragment. */
    public static Map.Entry<String, Boolean> identity(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            String bsn = m.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                throw new IllegalStateException(jar + " is not a bundle");
            }
            int semi = bsn.indexOf(';');
            return Map.entry((semi < 0 ? bsn : bsn.substring(0, semi)).trim(),
                    m.getMainAttributes().getValue("Fragment-Host") != null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole distribution: what an origin node runs, RTMP only, on a free loopback port. */
    public static Option[] originOptions() {
        // not the built-in default config: that would listen on 1935 on all interfaces
        return originOptions(rtmpPort -> "listen 127.0.0.1:" + rtmpPort + ";\nvhost __defaultVhost__ {\n}\n");
    }

    /**
     * The whole distribution with the SRS config {@code config.apply(rtmpPort)} (the RTMP port is free
     * on loopback and also in {@link #RTMP_PORT_PROPERTY}); {@code extra} options are added, e.g.
     * system properties naming further ports the config uses.
     */
    public static Option[] originOptions(IntFunction<String> config, Option... extra) {
        int consolePort = freePort();
        int rtmpPort = freePort();
        Path deploy;
        Path configFile;
        try {
            deploy = Files.createTempDirectory("fluvia-itest-deploy");
            configFile = Files.createTempFile("fluvia-itest", ".conf");
            Files.writeString(configFile, config.apply(rtmpPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Option> o = new ArrayList<>(List.of(extra));
        o.add(cleanCaches(true));
        o.add(systemProperty("io.netty.leakDetection.level").value("paranoid"));
        o.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        o.add(systemProperty("fluvia.dist").value(dist().toString()));
        o.add(systemProperty(CONSOLE_PORT_PROPERTY).value(String.valueOf(consolePort)));
        o.add(systemProperty(RTMP_PORT_PROPERTY).value(String.valueOf(rtmpPort)));
        o.add(frameworkProperty("fluvia.config").value(configFile.toString()));
        // the management plane on a free loopback port, so parallel builds and a running node do not collide
        o.add(frameworkProperty("org.osgi.service.http.port").value(String.valueOf(consolePort)));
        o.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        o.add(frameworkProperty("felix.webconsole.username").value(CONSOLE_USER));
        o.add(frameworkProperty("felix.webconsole.password").value(CONSOLE_PASSWORD));
        // the shell as the launcher runs it without a terminal: no session, never reads failsafe's stdin
        o.add(frameworkProperty("gosh.args").value("--nointeractive --noshutdown"));
        o.add(frameworkProperty("gosh.home").value(dist().resolve("conf/gogo-headless").toString()));
        o.add(systemProperty("org.jline.terminal.dumb").value("true"));
        o.add(frameworkProperty("felix.fileinstall.dir").value(deploy.toString()));
        o.add(frameworkProperty("felix.fileinstall.poll").value("1000"));
        o.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        for (Path jar : distributionBundles()) {
            Map.Entry<String, Boolean> id = identity(jar);
            o.add(bundle(jar.toUri().toString()).start(!id.getValue()));
        }
        o.add(junitBundles());
        return o.toArray(new Option[0]);
    }

    // ---- helpers usable inside the container and outside ----

    /** The installed bundle with this symbolic name; fails when there is none. */
    public static Bundle installedBundle(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " installed");
    }

    /** Names of the live threads whose name starts with {@code prefix}, sorted. */
    public static List<String> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .map(Thread::getName).sorted().toList();
    }

    /** True when a TCP connect to host:port is refused right now (nothing listens). */
    public static boolean connectRefused(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return false;
        } catch (java.net.ConnectException e) {
            return true;
        } catch (IOException e) {
            return false; // a timeout is not a refusal
        }
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes; returns its last value. */
    public static boolean await(Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return condition.getAsBoolean();
            }
            sleep(100);
        }
        return true;
    }

    /** Ports this JVM has handed out: the kernel may offer a just-closed port again, e.g. for RTMP and HTTP of one node. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A TCP port free on the loopback interface right now, and not handed out before by this JVM. */
    public static int freePort() {
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** True once something accepts a TCP connection on host:port, false after the timeout. */
    public static boolean waitForTcp(String host, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return true;
            } catch (IOException e) {
                sleep(100);
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * Creates or updates the configuration of a singleton pid, e.g.
     * {@code configure(ctx, "org.fluvia.rtmp.server", "listen", new String[] {"127.0.0.1:" + port})}.
     * Key/value pairs alternate.
     */
    public static Configuration configure(BundleContext context, String pid, Object... keyValues) throws IOException {
        Configuration c = configAdmin(context).getConfiguration(pid, "?");
        c.update(properties(keyValues));
        return c;
    }

    /** Creates a new factory configuration (e.g. one per vhost) and returns it; delete it when done. */
    public static Configuration configureFactory(BundleContext context, String factoryPid, String name, Object... keyValues)
            throws IOException {
        Configuration c = configAdmin(context).getFactoryConfiguration(factoryPid, name, "?");
        c.update(properties(keyValues));
        return c;
    }

    private static ConfigurationAdmin configAdmin(BundleContext context) {
        ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
        if (ref == null) {
            throw new IllegalStateException("no ConfigurationAdmin service");
        }
        return context.getService(ref);
    }

    private static Dictionary<String, Object> properties(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    /** The result of an HTTP GET: status and body (also for error statuses). */
    public record HttpResult(int status, String body) {
    }

    /** GET http://127.0.0.1:consolePort/path, with basic auth when user is not null. */
    public static HttpResult consoleGet(String path, String user, String password) throws IOException {
        int port = Integer.getInteger(CONSOLE_PORT_PROPERTY, 8088);
        return httpGet("http://127.0.0.1:" + port + path, user, password);
    }

    public static HttpResult httpGet(String url, String user, String password) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        c.setInstanceFollowRedirects(false);
        if (user != null) {
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            c.setRequestProperty("Authorization", "Basic " + token);
        }
        try {
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new HttpResult(status, body);
        } finally {
            c.disconnect();
        }
    }

    /** Polls a console page until it stops answering 404/503 (the plugin registers asynchronously). */
    public static HttpResult consoleGetWhenReady(String path, String user, String password, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        HttpResult r = null;
        while (System.nanoTime() < deadline) {
            try {
                r = consoleGet(path, user, password);
                if (r.status() != 404 && r.status() != 503) {
                    return r;
                }
            } catch (IOException e) {
                last = e;
            }
            sleep(200);
        }
        if (r != null) {
            return r;
        }
        throw last != null ? last : new IOException("no answer from the Web Console at " + path);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
