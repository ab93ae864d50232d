package org.fluvia.http.api.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SRS's {@code /api/v1/summaries} ({@code srs_api_dump_summaries}) with what the JVM and Linux's
 * procfs give cheaply (small in-memory files); disk, network and socket counters are 0.
 * Ratios are fractions as in SRS ({@code mem_percent} 0.05 means 5%).
 */
final class Summaries {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Path proc;
    private final String version;
    /** {wall ns, process cpu ns} and {total jiffies, idle jiffies} of the previous request, for the cpu ratios. */
    private long[] lastSelf;
    private long[] lastSystem;
    private double selfCpu;
    private double systemCpu;

    /** @param proc the procfs root, {@code /proc} */
    Summaries(Path proc, String version) {
        this.proc = proc;
        this.version = version;
    }

    /** The {@code data} object. */
    ObjectNode data(long nowMs, int connections) {
        boolean ok = true;
        ObjectNode data = JSON.objectNode();
        ProcessHandle self = ProcessHandle.current();
        Map<String, Long> meminfo = keyValues("meminfo");
        Map<String, Long> status = keyValues("self/status");
        ok &= !meminfo.isEmpty() && !status.isEmpty();
        long memTotal = meminfo.getOrDefault("MemTotal", 0L);
        long rss = status.getOrDefault("VmRSS", 0L);

        data.put("ok", ok);
        data.put("now_ms", nowMs);
        ObjectNode s = data.putObject("self");
        s.put("version", version);
        s.put("pid", self.pid());
        s.put("ppid", self.parent().map(ProcessHandle::pid).orElse(0L));
        // The launcher and its arguments (SRS: "./objs/srs -c conf/srs.conf"), not the JVM options, which may hold secrets.
        s.put("argv", System.getProperty("sun.java.command", ""));
        s.put("cwd", System.getProperty("user.dir", ""));
        s.put("mem_kbyte", rss);
        s.put("mem_percent", memTotal > 0 ? (double) rss / memTotal : 0);
        s.put("cpu_percent", selfCpu(self));
        s.put("srs_uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);

        ObjectNode sys = data.putObject("system");
        sys.put("cpu_percent", systemCpu());
        sys.put("disk_read_KBps", 0);
        sys.put("disk_write_KBps", 0);
        sys.put("disk_busy_percent", 0.0);
        long available = meminfo.getOrDefault("MemAvailable", meminfo.getOrDefault("MemFree", 0L));
        long swapTotal = meminfo.getOrDefault("SwapTotal", 0L);
        long swapFree = meminfo.getOrDefault("SwapFree", 0L);
        sys.put("mem_ram_kbyte", memTotal);
        sys.put("mem_ram_percent", memTotal > 0 ? (double) (memTotal - available) / memTotal : 0);
        sys.put("mem_swap_kbyte", swapTotal);
        sys.put("mem_swap_percent", swapTotal > 0 ? (double) (swapTotal - swapFree) / swapTotal : 0);
        int cpus = Runtime.getRuntime().availableProcessors();
        sys.put("cpus", cpus);
        sys.put("cpus_online", cpus);
        double[] uptime = numbers("uptime", 2);
        sys.put("uptime", uptime[0]);
        sys.put("ilde_time", uptime[1]); // sic: SRS's field name
        double[] load = numbers("loadavg", 3);
        sys.put("load_1m", load[0]);
        sys.put("load_5m", load[1]);
        sys.put("load_15m", load[2]);
        for (String zero : List.of("net_sample_time", "net_recv_bytes", "net_send_bytes", "net_recvi_bytes",
                "net_sendi_bytes", "srs_sample_time", "srs_recv_bytes", "srs_send_bytes", "conn_sys", "conn_sys_et",
                "conn_sys_tw", "conn_sys_udp")) {
            sys.put(zero, 0);
        }
        sys.put("conn_srs", connections);
        return data;
    }

    /** The process's CPU time over wall time since the previous request (1.0 = one core busy). */
    private synchronized double selfCpu(ProcessHandle self) {
        long wall = System.nanoTime();
        long cpu = self.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        if (cpu < 0) {
            return 0;
        }
        if (lastSelf != null && wall - lastSelf[0] >= 500_000_000L) {
            selfCpu = Math.max(0, (double) (cpu - lastSelf[1]) / (wall - lastSelf[0]));
            lastSelf = new long[]{wall, cpu};
        } else if (lastSelf == null) {
            lastSelf = new long[]{wall, cpu};
        }
        return selfCpu;
    }

    /** The machine's busy share since the previous request, from the first line of /proc/stat. */
    private synchronized double systemCpu() {
        String line = firstLine("stat");
        if (line == null || !line.startsWith("cpu ")) {
            return 0;
        }
        String[] f = line.trim().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 1; i < f.length; i++) {
            long v = parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) { // idle, iowait
                idle += v;
            }
        }
        if (lastSystem != null && total > lastSystem[0]) {
            long dt = total - lastSystem[0];
            systemCpu = Math.max(0, 1.0 - (double) (idle - lastSystem[1]) / dt);
        }
        lastSystem = new long[]{total, idle};
        return systemCpu;
    }

    /** "Key: value kB" lines as key to number (kB for memory). Empty when unreadable. */
    private Map<String, Long> keyValues(String file) {
        Map<String, Long> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(proc.resolve(file))) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String[] rest = line.substring(colon + 1).trim().split("\\s+");
                if (rest.length > 0 && !rest[0].isEmpty() && Character.isDigit(rest[0].charAt(0))) {
                    values.put(line.substring(0, colon), parseLong(rest[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return values;
    }

    private double[] numbers(String file, int n) {
        double[] out = new double[n];
        String line = firstLine(file);
        if (line != null) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i < n && i < f.length; i++) {
                try {
                    out[i] = Double.parseDouble(f[i]);
                } catch (NumberFormatException e) {
                    out[i] = 0;
                }
            }
        }
        return out;
    }

    private String firstLine(String file) {
        try (var lines = Files.lines(proc.resolve(file))) {
            return lines.findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
