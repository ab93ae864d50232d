package org.fluvia.launcher;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.fluvia.config.srs.SrsConfig;
import org.fluvia.config.srs.SrsConfigCheck;
import org.fluvia.config.srs.SrsConfigException;
import org.fluvia.config.srs.SrsConfigParser;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Starts a Fluvia node: reads the SRS command line and the process-level directives of the
 * config file, then boots Felix with every bundle of the distribution's {@code bundle/} folder.
 */
public final class Main {

    static final String DEFAULT_CONSOLE = "127.0.0.1:8088";
    static final long STOP_TIMEOUT_MS = 30_000;

    private static final String USAGE = String.join(System.lineSeparator(),
            "Usage: fluvia [-h] [-v|-V] [-t] [-e] [-c FILE] [--console HOST:PORT|off] [--console-password PW]",
            "  -c FILE                  the SRS configuration file (default: the built-in default configuration)",
            "  -t                       test the configuration file and exit (0 when valid)",
            "  -v, -V                   print the version and exit",
            "  -h                       print this help and exit",
            "  -e                       use only the environment (SRS_*) for configuration (not implemented yet)",
            "  --console HOST:PORT|off  the Web Console address (default " + DEFAULT_CONSOLE + "; env FLUVIA_CONSOLE)",
            "  --console-password PW    the Web Console password of user admin (default admin; env FLUVIA_CONSOLE_PASSWORD)",
            "Environment: JAVA_HOME, JAVA_OPTS, FLUVIA_HEAP (default 1g), FLUVIA_DIRECT (default 1g).");

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.getenv());
        } catch (Exception e) {
            log("ERROR", "fluvia failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** The parsed command line. */
    static final class Options {
        String config;
        boolean test;
        boolean version;
        boolean help;
        boolean envOnly;
        String console;
        String consolePassword;
    }

    /** Thrown for a command line we cannot accept; the message says what was wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args, Map<String, String> env) throws UsageException {
        Options o = new Options();
        o.console = env.getOrDefault("FLUVIA_CONSOLE", DEFAULT_CONSOLE);
        o.consolePassword = env.getOrDefault("FLUVIA_CONSOLE_PASSWORD", "admin");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-c" -> o.config = value(args, ++i, a);
                case "-t" -> o.test = true;
                case "-v", "-V" -> o.version = true;
                case "-h", "--help" -> o.help = true;
                case "-e" -> o.envOnly = true;
                case "--console" -> o.console = value(args, ++i, a);
                case "--console-password" -> o.consolePassword = value(args, ++i, a);
                default -> {
                    if (a.startsWith("--console=")) {
                        o.console = a.substring("--console=".length());
                    } else if (a.startsWith("--console-password=")) {
                        o.consolePassword = a.substring("--console-password=".length());
                    } else {
                        throw new UsageException("unknown option: " + a);
                    }
                }
            }
        }
        if (o.consolePassword.isEmpty()) {
            throw new UsageException("the console password must not be empty");
        }
        return o;
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].isEmpty()) {
            throw new UsageException("option " + option + " needs a value");
        }
        return args[i];
    }

    /** Host and port of the Web Console, or null when it is off. */
    static String[] consoleAddress(String spec) throws UsageException {
        if (spec == null || spec.isBlank() || spec.equalsIgnoreCase("off")) {
            return null;
        }
        int colon = spec.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : spec.substring(0, colon);
        String port = colon < 0 ? spec : spec.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--console wants HOST:PORT or off, not '" + spec + "'");
        }
        return new String[] {host, port};
    }

    static int run(String[] args, Map<String, String> env) throws Exception {
        Options o;
        String[] console;
        try {
            o = parse(args, env);
            console = consoleAddress(o.console);
        } catch (UsageException e) {
            System.err.println("fluvia: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        if (o.help) {
            System.out.println(USAGE);
            return 0;
        }
        if (o.version) {
            System.out.println(version());
            return 0;
        }
        if (o.envOnly) {
            System.err.println("fluvia: -e (configuration from the environment only) is not implemented yet");
            return 2;
        }
        Path home = home();
        Path configFile = o.config != null ? Path.of(o.config).toAbsolutePath().normalize() : null;
        if (o.test) {
            Path file = configFile != null ? configFile : home.resolve("conf/fluvia.conf");
            return SrsConfigCheck.check(file, System.out, System.err);
        }

        SrsConfig config = null;
        if (configFile != null) {
            try {
                config = SrsConfigParser.parse(configFile);
            } catch (SrsConfigException e) {
                System.err.println("fluvia: " + e.getMessage());
                return 1;
            }
        }
        return new Main.Node(home, configFile, config, console, o.consolePassword).run();
    }

    /** One running node: the process-level directives, then the framework until it stops. */
    static final class Node {
        private final Path home;
        private final Path configFile;
        private final SrsConfig config;
        private final String[] console;
        private final String consolePassword;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final CountDownLatch cleanedUp = new CountDownLatch(1);
        private volatile Framework framework;
        private Path pidFile;

        Node(Path home, Path configFile, SrsConfig config, String[] console, String consolePassword) {
            this.home = home;
            this.configFile = configFile;
            this.config = config;
            this.console = console;
            this.consolePassword = consolePassword;
        }

        private String global(String name) {
            String v = config == null ? null : config.global(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        int run() throws Exception {
            // Logging first, so that everything after it lands where the config wants it.
            String tank = global("srs_log_tank");
            if ("file".equalsIgnoreCase(tank)) {
                String file = global("srs_log_file");
                Path log = Path.of(file != null ? file : "./objs/srs.log").toAbsolutePath().normalize();
                Files.createDirectories(log.getParent());
                PrintStream ps = new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8);
                System.setOut(ps);
                System.setErr(ps);
            }
            String level = global("srs_log_level");
            System.setProperty("org.ops4j.pax.logging.DefaultServiceLog.level", paxLevel(level));

            log("INFO", "Fluvia " + version() + " starting: config=" + (configFile != null ? configFile : "(built-in default)")
                    + ", console=" + (console == null ? "off" : "http://" + console[0] + ":" + console[1] + "/system/console")
                    + ", home=" + home + ", pid=" + ProcessHandle.current().pid());
            if ("on".equalsIgnoreCase(global("daemon"))) {
                log("INFO", "daemon on: fluvia stays in the foreground (run it under a service manager to detach)");
            }

            String pid = global("pid");
            if (pid != null) {
                pidFile = Path.of(pid).toAbsolutePath().normalize();
                Files.createDirectories(pidFile.getParent());
                Files.writeString(pidFile, ProcessHandle.current().pid() + System.lineSeparator());
            }

            installSignalHandlers();
            Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "fluvia-shutdown"));
            try {
                framework = newFramework();
                framework.init();
                List<Bundle> installed = installBundles(framework);
                framework.start();
                startBundles(installed);
                log("INFO", "Fluvia started: " + installed.size() + " bundles");
                FrameworkEvent event = framework.waitForStop(0);
                return switch (event.getType()) {
                    case FrameworkEvent.STOPPED, FrameworkEvent.STOPPED_SYSTEM_REFRESHED -> 0;
                    default -> {
                        log("ERROR", "framework stopped abnormally: " + event.getThrowable());
                        yield 1;
                    }
                };
            } finally {
                cleanup();
            }
        }

        private Framework newFramework() {
            Map<String, String> p = new HashMap<>();
            p.put(Constants.FRAMEWORK_STORAGE, dir("fluvia.cache", "FLUVIA_CACHE", "cache").toString());
            p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            p.put("felix.log.level", "1");
            p.put("fluvia.home", home.toString());
            if (configFile != null) {
                p.put("fluvia.config", configFile.toString());
            }
            Path deploy = dir("fluvia.deploy", "FLUVIA_DEPLOY", "deploy");
            try {
                Files.createDirectories(deploy);
            } catch (IOException e) {
                log("WARN", "cannot create the deploy folder " + deploy + ": " + e.getMessage());
            }
            p.put("felix.fileinstall.dir", deploy.toString());
            p.put("felix.fileinstall.poll", "1000");
            p.put("felix.fileinstall.noInitialDelay", "true");
            p.put("felix.fileinstall.log.level", "2");
            if (console != null) {
                p.put("org.osgi.service.http.host", console[0]);
                p.put("org.apache.felix.http.host", console[0]);
                p.put("org.osgi.service.http.port", console[1]);
            } else {
                p.put("org.apache.felix.http.enable", "false");
                p.put("org.osgi.service.http.port", "-1");
            }
            p.put("felix.webconsole.username", "admin");
            p.put("felix.webconsole.password", consolePassword);
            p.put("felix.webconsole.realm", "Fluvia");
            if (!interactive()) {
                // No terminal (service manager, test harness, stdin from /dev/null): the shell runs
                // no interactive session and does not stop the framework when its (empty) session
                // ends; the headless profile leaves out the line-reader setup of the default one.
                p.put("gosh.args", "--nointeractive --noshutdown");
                p.put("gosh.home", home.resolve("conf/gogo-headless").toString());
                System.setProperty("org.jline.terminal.dumb", "true");
            }
            FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no OSGi framework in lib/"));
            return factory.newFramework(p);
        }

        /**
         * A folder of the distribution, unless a system property or environment variable moves it:
         * several nodes can then run from one distribution, each with its own framework cache.
         */
        private Path dir(String property, String envVar, String defaultName) {
            String v = System.getProperty(property);
            if (v == null || v.isBlank()) {
                v = System.getenv(envVar);
            }
            return v == null || v.isBlank() ? home.resolve(defaultName) : Path.of(v).toAbsolutePath().normalize();
        }

        private List<Bundle> installBundles(Framework fw) throws IOException {
            List<Path> jars;
            try (Stream<Path> s = Files.list(home.resolve("bundle"))) {
                jars = s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            }
            List<Bundle> bundles = new ArrayList<>();
            for (Path jar : jars) {
                try {
                    bundles.add(fw.getBundleContext().installBundle(jar.toUri().toString()));
                } catch (BundleException e) {
                    log("ERROR", "cannot install " + jar.getFileName() + ": " + e.getMessage());
                }
            }
            return bundles;
        }

        private void startBundles(List<Bundle> bundles) {
            for (Bundle b : bundles) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                    continue;
                }
                try {
                    b.start();
                } catch (BundleException e) {
                    log("ERROR", "cannot start " + b.getSymbolicName() + " " + b.getVersion() + ": " + e.getMessage());
                }
            }
        }

        /** Signals stop the framework and let main return 0, instead of the JVM's 128+signal. */
        private void installSignalHandlers() {
            for (String name : new String[] {"TERM", "INT", "HUP"}) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                        log("INFO", "SIG" + sig.getName() + " received, stopping");
                        new Thread(this::stopFramework, "fluvia-stop").start();
                    });
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    // not on this platform, or the JVM reserves it (-Xrs): the shutdown hook still stops us
                }
            }
        }

        private void stopFramework() {
            Framework fw = framework;
            if (fw == null || !stopping.compareAndSet(false, true)) {
                return;
            }
            try {
                fw.stop();
                FrameworkEvent e = fw.waitForStop(STOP_TIMEOUT_MS);
                if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    log("WARN", "framework did not stop within " + STOP_TIMEOUT_MS + " ms");
                }
            } catch (BundleException | InterruptedException e) {
                log("WARN", "stopping the framework: " + e);
            }
        }

        /** JVM exit by other means (System.exit elsewhere, a signal we do not handle). */
        private void shutdown() {
            stopFramework();
            try {
                cleanedUp.await(STOP_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cleanup();
        }

        private synchronized void cleanup() {
            if (pidFile != null) {
                try {
                    Files.deleteIfExists(pidFile);
                } catch (IOException e) {
                    log("WARN", "cannot remove pid file " + pidFile + ": " + e.getMessage());
                }
                pidFile = null;
                log("INFO", "Fluvia stopped");
            } else if (cleanedUp.getCount() > 0) {
                log("INFO", "Fluvia stopped");
            }
            cleanedUp.countDown();
        }
    }

    /** A terminal on stdin and stdout, unless {@code -Dfluvia.shell=true|false} says otherwise. */
    static boolean interactive() {
        String forced = System.getProperty("fluvia.shell");
        return forced != null && !forced.isBlank() ? Boolean.parseBoolean(forced) : System.console() != null;
    }

    static String paxLevel(String srsLevel) {
        if (srsLevel == null) {
            return "INFO";
        }
        return switch (srsLevel.trim().toLowerCase(Locale.ROOT)) {
            case "verbose" -> "DEBUG";
            case "warn" -> "WARN";
            case "error" -> "ERROR";
            default -> "INFO"; // info, trace
        };
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.0.0-dev";
    }

    /** The distribution folder: {@code -Dfluvia.home}, else the parent of the launcher jar's lib/. */
    static Path home() throws URISyntaxException {
        String prop = System.getProperty("fluvia.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent().toAbsolutePath().normalize();
    }

    static void log(String level, String message) {
        String ts = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"));
        System.out.println("[" + ts + "][" + level + "][launcher] " + message);
    }
}
