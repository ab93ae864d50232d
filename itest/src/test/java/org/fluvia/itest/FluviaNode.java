package org.fluvia.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Fluvia node as a separate process: {@code bin/fluvia} of the built distribution, run in its
 * own working directory with its own framework cache, output to {@code fluvia.log} there, and
 * paranoid Netty leak detection. Use it from plain JUnit 5 tests; close it (try-with-resources) or
 * {@link #stop()} it.
 */
public final class FluviaNode implements AutoCloseable {

    private final Path workDir;
    private final Path logFile;
    private final Process process;
    private Integer exitCode;

    private FluviaNode(Path workDir, Path logFile, Process process) {
        this.workDir = workDir;
        this.logFile = logFile;
        this.process = process;
    }

    /** The distribution folder: {@code -Dfluvia.dist}, else {@code ../runtime/target/fluvia} from the itest module. */
    public static Path distribution() {
        String d = System.getProperty("fluvia.dist");
        Path p = d != null && !d.isBlank() ? Path.of(d) : Path.of("../runtime/target/fluvia");
        if (!Files.isRegularFile(p.resolve("bin/fluvia"))) {
            throw new IllegalStateException("no Fluvia distribution at " + p.toAbsolutePath() + " (build runtime first)");
        }
        return p.toAbsolutePath().normalize();
    }

    /** Starts {@code fluvia args...} in a new temporary working directory. */
    public static FluviaNode start(String... args) throws IOException {
        return start(Files.createTempDirectory("fluvia-node"), Map.of(), args);
    }

    /**
     * Starts {@code fluvia args...} with {@code workDir} as the working directory (relative paths in
     * args and in the config file resolve against it) and extra environment variables.
     */
    public static FluviaNode start(Path workDir, Map<String, String> env, String... args) throws IOException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve("fluvia.log");
        ProcessBuilder pb = command(workDir, env, args);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new FluviaNode(workDir, log, pb.start());
    }

    /**
     * Starts {@code fluvia args...} with its stdout and stderr in a pipe that nobody reads until
     * {@link #readOutput()}: an operator's paused terminal or stalled log collector.
     */
    public static FluviaNode startWithUnreadOutput(Path workDir, String... args) throws IOException {
        Files.createDirectories(workDir);
        ProcessBuilder pb = command(workDir, Map.of(), args);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new FluviaNode(workDir, workDir.resolve("fluvia.log"), pb.start());
    }

    /** How many bytes wait in the unread output pipe (see {@link #startWithUnreadOutput}). */
    public int unreadOutputBytes() throws IOException {
        return process.getInputStream().available();
    }

    /**
     * From now on copies the output pipe (see {@link #startWithUnreadOutput}) into {@link #logFile()},
     * in the thread returned, which ends at the end of the output.
     */
    public Thread readOutput() {
        Thread t = new Thread(() -> {
            try (var in = process.getInputStream(); var out = Files.newOutputStream(logFile)) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) >= 0;) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the output ended
            }
        }, "fluvia-output-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Runs {@code fluvia args...} to completion (for -v, -t, -h ...) and returns its exit code and output. */
    public static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Path workDir = Files.createTempDirectory("fluvia-run");
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        ProcessBuilder pb = command(workDir, Map.of(), args);
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            fail("fluvia " + String.join(" ", args) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** What a finished fluvia command printed. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private static ProcessBuilder command(Path workDir, Map<String, String> env, String... args) {
        Path dist = distribution();
        List<String> cmd = new ArrayList<>();
        cmd.add("bash"); // the unpacked zip may have lost the executable bit
        cmd.add(dist.resolve("bin/fluvia").toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        Map<String, String> e = pb.environment();
        String leak = System.getProperty("fluvia.test.argLine",
                "-Dio.netty.leakDetection.level=paranoid -Dio.netty.leakDetection.targetRecords=20");
        e.put("JAVA_OPTS", (leak + " " + e.getOrDefault("JAVA_OPTS", "")).trim());
        e.put("FLUVIA_HEAP", e.getOrDefault("FLUVIA_HEAP", "256m"));
        e.put("FLUVIA_DIRECT", e.getOrDefault("FLUVIA_DIRECT", "256m"));
        // each node its own framework cache and deploy folder: several nodes share one distribution
        e.put("FLUVIA_CACHE", workDir.resolve("cache").toString());
        e.put("FLUVIA_DEPLOY", workDir.resolve("deploy").toString());
        e.putAll(env);
        return pb;
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until host:port accepts TCP connections; fails with the log when it does not, or when the node died. */
    public void waitForPort(String host, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("fluvia exited with " + process.exitValue() + " before " + host + ":" + port + " opened\n" + log());
            }
            if (TestSupport.waitForTcp(host, port, Duration.ofMillis(200))) {
                return;
            }
        }
        fail("nothing listens on " + host + ":" + port + " after " + timeout + "\n" + log());
    }

    /** Everything the node printed so far. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGTERM, wait up to 15 s for a graceful stop, then SIGKILL. Returns the exit code (0 after a
     * clean stop; 137 when it had to be killed).
     */
    public int stop() throws InterruptedException {
        if (exitCode != null) {
            return exitCode;
        }
        // Through the handle: Process.destroy() would also close an output pipe that is still being read.
        process.toHandle().destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
        exitCode = process.exitValue();
        return exitCode;
    }

    /** Fails when Netty's leak detector reported a leaked buffer in this node's log. */
    public void assertNoLeaks() {
        String log = log();
        if (log.contains("LEAK:")) {
            fail("Netty reported a buffer leak in " + logFile + ":\n" + log);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
