package org.fluvia.launcher;

import java.io.FileDescriptor;
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

import org.fluvia.config.srs.ConfigReloader;
import org.fluvia.config.srs.ConfigurationSpec;
import org.fluvia.config.srs.SrsConfig;
import org.fluvia.config.srs.SrsConfigCheck;
import org.fluvia.config.srs.SrsConfigException;
import org.fluvia.config.srs.SrsConfigParser;
import org.fluvia.config.srs.SrsTranslator;
import org.fluvia.config.srs.Translation;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
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
    /** What a running node's output may hold when it does not keep up, per stream (stdout, stderr). */
    static final int OUTPUT_QUEUE_BYTES = 4 * 1024 * 1024;
    /** How long the last lines may take to reach the output at exit. */
    static final long OUTPUT_DRAIN_MS = 2_000;
    /** Where System.out and System.err go while a node runs (empty for the one-shot commands). */
    private static volatile List<AsyncLineOutput> outputs = List.of();

    private static final String USAGE = String.join(System.lineSeparator(),
            "Usage: fluvia [-h] [-v|-V] [-t] [-e] [-c FILE] [--host IP] [--role NAME] [--console HOST:PORT|off] [--console-password PW]",
            "  -c FILE                  the SRS configuration file (default: the built-in default configuration)",
            "  -t                       test the configuration (with the SRS_* variables over it) and exit (0 when valid)",
            "  -v, -V                   print the version and exit",
            "  -h                       print this help and exit",
            "  -e                       configure from the environment only: SRS's defaults and the SRS_* variables",
            "                           (e.g. SRS_LISTEN=1935, SRS_HTTP_SERVER_ENABLED=on, SRS_VHOST_HLS_ENABLED=on)",
            "  --role NAME              origin, origin-noforward, edge or all-in-one: the feature bundles to start",
            "                           (default: edge for cluster mode remote, origin for forward, else all-in-one)",
            "  --host IP                this node's host address: a listen given as a bare port binds IP:port (env FLUVIA_HOST)",
            "  --console HOST:PORT|off  the Web Console address (default " + DEFAULT_CONSOLE + "; env FLUVIA_CONSOLE)",
            "  --console-password PW    the Web Console password of user admin (default admin; env FLUVIA_CONSOLE_PASSWORD)",
            "Environment: SRS_* (override the file, as in SRS 5), JAVA_HOME, JAVA_OPTS, FLUVIA_HEAP (default 1g),",
            "FLUVIA_DIRECT (default 1g). SIGHUP reloads the configuration; SIGTERM/SIGINT stop.");

    /** The framework property that makes the config bundle read the environment only. */
    static final String ENV_ONLY_PROPERTY = "fluvia.config.env";
    static final String DEFAULT_CONFIG_RESOURCE = "/org/fluvia/config/default.conf";

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
        drainOutputs();
        System.exit(code);
    }

    /** Waits a little for the last lines to reach the output (it may not take them: a full pipe). */
    static void drainOutputs() {
        try {
            for (AsyncLineOutput o : outputs) {
                o.drain(OUTPUT_DRAIN_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The parsed command line. */
    static final class Options {
        String config;
        boolean test;
        boolean version;
        boolean help;
        boolean envOnly;
        String host;
        String role;
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
        o.host = env.get("FLUVIA_HOST");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-c" -> o.config = value(args, ++i, a);
                case "-t" -> o.test = true;
                case "-v", "-V" -> o.version = true;
                case "-h", "--help" -> o.help = true;
                case "-e" -> o.envOnly = true;
                case "--role" -> o.role = value(args, ++i, a);
                case "--host" -> o.host = value(args, ++i, a);
                case "--console" -> o.console = value(args, ++i, a);
                case "--console-password" -> o.consolePassword = value(args, ++i, a);
                default -> {
                    if (a.startsWith("--role=")) {
                        o.role = a.substring("--role=".length());
                    } else if (a.startsWith("--host=")) {
                        o.host = a.substring("--host=".length());
                    } else if (a.startsWith("--console=")) {
                        o.console = a.substring("--console=".length());
                    } else if (a.startsWith("--console-password=")) {
                        o.consolePassword = a.substring("--console-password=".length());
                    } else {
                        throw new UsageException("unknown option: " + a);
                    }
                }
            }
        }
        if (o.host != null && (o.host.isBlank() || o.host.matches(".*[\\s/].*"))) {
            throw new UsageException("--host wants this node's IP address, not '" + o.host + "'");
        }
        if (o.consolePassword.isEmpty()) {
            throw new UsageException("the console password must not be empty");
        }
        if (o.envOnly && o.config != null) {
            throw new UsageException("-e (the environment only) and -c FILE exclude each other;"
                    + " without -e the SRS_* variables override the file");
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
        Path home = home();
        Path configFile = o.config != null ? Path.of(o.config).toAbsolutePath().normalize() : null;
        if (o.test) {
            if (o.envOnly) {
                return SrsConfigCheck.checkEnvironment(env, System.out, System.err);
            }
            Path file = configFile != null ? configFile : home.resolve("conf/fluvia.conf");
            return SrsConfigCheck.check(file, env, System.out, System.err);
        }

        SrsConfig config;
        Translation translation;
        try {
            config = readConfig(o.envOnly, configFile, env);
            // the same checks as the config bundle's: a bad value stops us before anything starts
            translation = SrsTranslator.translate(config);
        } catch (SrsConfigException e) {
            System.err.println("fluvia: " + e.getMessage());
            return 1;
        }
        Node node = new Main.Node(home, configFile, o.envOnly, config, console, o.consolePassword);
        node.host = o.host;
        try {
            node.role = LaunchRole.choose(home.resolve("bundle"), o.role, translation.configurations().stream()
                    .filter(ConfigurationSpec::isFactory).map(ConfigurationSpec::factoryPid).toList());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("fluvia: " + e.getMessage());
            return 2;
        }
        return node.run();
    }

    /** The configuration the node runs: -e, the file or the built-in default, SRS_* over it. */
    static SrsConfig readConfig(boolean envOnly, Path configFile, Map<String, String> env) throws SrsConfigException {
        if (envOnly) {
            return SrsConfig.fromEnvironment(env);
        }
        SrsConfig file;
        if (configFile != null) {
            file = SrsConfigParser.parse(configFile);
        } else {
            try (var in = Main.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(DEFAULT_CONFIG_RESOURCE + " is missing from lib/");
                }
                file = SrsConfigParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        "default.conf (built in)");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return file.withEnvironment(env);
    }

    /** One running node: the process-level directives, then the framework until it stops. */
    static final class Node {
        private final Path home;
        private final Path configFile;
        private final boolean envOnly;
        private final SrsConfig config;
        private final String[] console;
        private final String consolePassword;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final CountDownLatch cleanedUp = new CountDownLatch(1);
        private volatile Framework framework;
        private Path pidFile;
        /** --host: the config bundle binds bare-port listens to it (framework property fluvia.host). */
        String host;
        /** The feature bundles to start; null (no console bundle): all. */
        LaunchRole role;

        Node(Path home, Path configFile, boolean envOnly, SrsConfig config, String[] console, String consolePassword) {
            this.home = home;
            this.configFile = configFile;
            this.envOnly = envOnly;
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
            // Through a writer thread of its own (AsyncLineOutput), so the event loops never wait for it.
            String tank = global("srs_log_tank");
            if ("file".equalsIgnoreCase(tank)) {
                String file = global("srs_log_file");
                Path log = Path.of(file != null ? file : "./objs/srs.log").toAbsolutePath().normalize();
                Files.createDirectories(log.getParent());
                AsyncLineOutput both = new AsyncLineOutput(new FileOutputStream(log.toFile(), true), OUTPUT_QUEUE_BYTES, "fluvia-log");
                outputs = List.of(both);
                System.setOut(new PrintStream(both, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
            } else {
                AsyncLineOutput out = new AsyncLineOutput(new FileOutputStream(FileDescriptor.out), OUTPUT_QUEUE_BYTES, "fluvia-stdout");
                AsyncLineOutput err = new AsyncLineOutput(new FileOutputStream(FileDescriptor.err), OUTPUT_QUEUE_BYTES, "fluvia-stderr");
                outputs = List.of(out, err);
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            }
            String level = global("srs_log_level");
            System.setProperty("org.ops4j.pax.logging.DefaultServiceLog.level", paxLevel(level));

            String source = envOnly ? "(environment only, -e)" : configFile != null ? configFile.toString() : "(built-in default)";
            log("INFO", "Fluvia " + version() + " starting: config=" + source
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
                log("INFO", "Fluvia started: " + installed.size() + " bundles" + (role == null ? "" : ", role " + role));
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
            if (host != null) {
                p.put("fluvia.host", host.trim());
            }
            if (role != null) {
                p.put(LaunchRole.PROPERTY, role.name());
            }
            if (configFile != null) {
                p.put("fluvia.config", configFile.toString());
            }
            if (envOnly) {
                p.put(ENV_ONLY_PROPERTY, "true");
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
                    // reference: installs the jar in place; the framework cache does not copy it at each launch
                    bundles.add(fw.getBundleContext().installBundle("reference:" + jar.toUri()));
                } catch (BundleException e) {
                    log("ERROR", "cannot install " + jar.getFileName() + ": " + e.getMessage());
                }
            }
            return bundles;
        }

        /**
         * The order bundles start in: logging and the OSGi services the media plane needs, then
         * Fluvia's bundles (so the node accepts RTMP as early as possible), then the management
         * plane (Jetty, Web Console, Gogo, FileInstall) last.
         */
        static int startTier(String symbolicName) {
            String n = symbolicName == null ? "" : symbolicName;
            if (n.startsWith("org.ops4j.pax.logging") || n.startsWith("org.osgi.") || n.startsWith("io.netty")
                    || n.equals("org.apache.felix.scr") || n.equals("org.apache.felix.configadmin")
                    || n.equals("org.apache.felix.metatype")) {
                return 0;
            }
            return n.startsWith("org.fluvia.") ? 1 : 2;
        }

        private void startBundles(List<Bundle> installed) {
            List<Bundle> bundles = new ArrayList<>(installed);
            bundles.sort(java.util.Comparator.comparingInt(b -> startTier(b.getSymbolicName())));
            for (Bundle b : bundles) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                    continue;
                }
                if (role != null && !role.starts(b.getSymbolicName())) {
                    continue; // not in the role: the console's RoleService starts it when the role changes
                }
                try {
                    b.start();
                } catch (BundleException e) {
                    log("ERROR", "cannot start " + b.getSymbolicName() + " " + b.getVersion() + ": " + e.getMessage());
                }
            }
        }

        /**
         * TERM and INT stop the framework and let main return 0, instead of the JVM's 128+signal;
         * HUP reloads the configuration, as SRS does.
         */
        private void installSignalHandlers() {
            for (String name : new String[] {"TERM", "INT", "HUP"}) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                        if (sig.getName().equals("HUP")) {
                            log("INFO", "SIGHUP received, reloading the configuration");
                            new Thread(this::reload, "fluvia-reload").start();
                        } else {
                            log("INFO", "SIG" + sig.getName() + " received, stopping");
                            new Thread(this::stopFramework, "fluvia-stop").start();
                        }
                    });
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    // not on this platform, or the JVM reserves it (-Xrs): the shutdown hook still stops us
                }
            }
        }

        /** SIGHUP: the config bundle re-reads its source and applies what changed. */
        private synchronized void reload() {
            Framework fw = framework;
            if (fw == null || stopping.get() || fw.getState() != Bundle.ACTIVE) {
                log("WARN", "SIGHUP ignored: the framework is not running");
                return;
            }
            switch (reloadConfiguration(fw.getBundleContext())) {
                case APPLIED -> log("INFO", "configuration reloaded");
                case REJECTED -> log("ERROR", "configuration not reloaded (see the error above);"
                        + " the running configuration is kept");
                case NO_SERVICE -> log("WARN", "SIGHUP ignored: the config bundle (" + ConfigReloader.SERVICE
                        + ") is not active");
                default -> throw new IllegalStateException();
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
            drainOutputs();
        }
    }

    enum ReloadResult { APPLIED, REJECTED, NO_SERVICE }

    /**
     * Calls the config bundle's {@link ConfigReloader} service. The framework exports none of our
     * packages, so the service's interface is the bundle's own class, not the one on the
     * launcher's class path: it is found by name (getAllServiceReferences skips the class-space
     * check) and called reflectively.
     */
    static ReloadResult reloadConfiguration(BundleContext context) {
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(ConfigReloader.SERVICE, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            return ReloadResult.NO_SERVICE;
        }
        ServiceReference<?> ref = refs[0];
        Object service = context.getService(ref);
        if (service == null) {
            return ReloadResult.NO_SERVICE;
        }
        try {
            Object applied = service.getClass().getMethod("reload").invoke(service);
            return Boolean.FALSE.equals(applied) ? ReloadResult.REJECTED : ReloadResult.APPLIED;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            log("ERROR", "reloading the configuration failed: " + cause);
            return ReloadResult.REJECTED;
        } finally {
            context.ungetService(ref);
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
        System.out.println(logLine(level, message));
    }

    /** A launcher log line, without its newline. */
    static String logLine(String level, String message) {
        String ts = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"));
        return "[" + ts + "][" + level + "][launcher] " + message;
    }
}
