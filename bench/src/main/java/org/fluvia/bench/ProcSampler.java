package org.fluvia.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads utime+stime and VmRSS of processes from /proc (Linux). */
public final class ProcSampler {

    private final List<Integer> pids;
    private final int clockTicks;

    public ProcSampler(List<Integer> pids, int clockTicks) {
        this.pids = pids;
        this.clockTicks = clockTicks;
    }

    public boolean enabled() {
        return !pids.isEmpty();
    }

    /** CPU seconds (user + system) the processes have used so far; processes that are gone count 0. */
    public double cpuSeconds() {
        long ticks = 0;
        for (int pid : pids) {
            ticks += cpuTicks(pid);
        }
        return ticks / (double) clockTicks;
    }

    /** The system (kernel) part of {@link #cpuSeconds()}: for a fan-out server mostly write(2) and the TCP stack. */
    public double systemSeconds() {
        long ticks = 0;
        for (int pid : pids) {
            try {
                ticks += parseTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")))[1];
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return ticks / (double) clockTicks;
    }

    /**
     * CPU seconds of the JVM's JIT compiler threads (C1/C2) so far: a one-off cost of a fresh JVM that
     * a short window right after the players joined still pays. 0 for a process that is not a JVM.
     */
    public double compilerSeconds() {
        long ticks = 0;
        for (int pid : pids) {
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        if (stat.contains("CompilerThre")) {
                            long[] t = parseTicks(stat);
                            ticks += t[0] + t[1];
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return ticks / (double) clockTicks;
    }

    /**
     * The write(2) and writev(2) calls the processes have made so far, from {@code syscw} in
     * /proc/PID/io (send(2) and sendmsg(2) are not counted); -1 when it cannot be read. A fan-out
     * server's CPU follows its writes more than its bytes: each is a trip into the TCP stack.
     */
    public long writeCalls() {
        return ioCounter("syscw:");
    }

    /**
     * The machine's CPU time so far by kind, from the first line of /proc/stat, in clock ticks: user,
     * nice, system, idle, iowait, irq, softirq, steal; null when it cannot be read. Softirq time (most
     * of loopback's TCP receive work) and steal (the host's other guests) are charged to no process.
     */
    public static long[] machineTicks() {
        try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/stat"))) {
            return parseMachineTicks(r.readLine());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long[] parseMachineTicks(String cpuLine) {
        String[] f = cpuLine.trim().split(" +");
        long[] t = new long[8];
        for (int i = 0; i < t.length; i++) {
            t[i] = Long.parseLong(f[i + 1]);
        }
        return t;
    }

    private long ioCounter(String name) {
        long n = 0;
        for (int pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "io"))) {
                    if (line.startsWith(name)) {
                        n += Long.parseLong(line.substring(name.length()).trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return n;
    }

    /** Resident set size of the processes together, in KiB. */
    public long rssKib() {
        long kib = 0;
        for (int pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return kib;
    }

    /** utime + stime of one process in clock ticks, 0 if it cannot be read. */
    static long cpuTicks(int pid) {
        try {
            return parseCpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Fields 14 and 15 of /proc/PID/stat; the command name (field 2) may contain spaces and parentheses. */
    static long parseCpuTicks(String stat) {
        long[] t = parseTicks(stat);
        return t[0] + t[1];
    }

    /** utime and stime (fields 14 and 15). */
    static long[] parseTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // f[0] is field 3 (state), so utime (14) is f[11] and stime (15) is f[12].
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
}
