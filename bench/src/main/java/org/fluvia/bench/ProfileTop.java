package org.fluvia.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarises async-profiler's collapsed stacks ({@code frame;frame;... count} per line, kernel frames
 * ending in {@code _[k]}): how much of the process's CPU was in the kernel, by thread kind, and the
 * hottest frames by self and by total time, as Markdown. Unlike JFR it sees the kernel, which is where
 * a fan-out server spends most of its time. Usage: {@code ProfileTop FILE.collapsed [N]}.
 */
public final class ProfileTop {

    private ProfileTop() {
    }

    /** Sample counts of one profile. */
    static final class Summary {
        long samples;
        long kernel;
        final Map<String, Long> threads = new HashMap<>();
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> total = new HashMap<>();

        void add(String stack, long count) {
            String[] frames = stack.split(";");
            samples += count;
            String leaf = frames[frames.length - 1];
            if (leaf.endsWith("_[k]")) {
                kernel += count;
            }
            threads.merge(threadKind(frames[0]), count, Long::sum);
            self.merge(leaf, count, Long::sum);
            Set<String> seen = new HashSet<>();
            for (String f : frames) {
                if (seen.add(f)) {
                    total.merge(f, count, Long::sum);
                }
            }
        }
    }

    /** "[fluvia-io-3-1 tid=123]" -> "fluvia-io"; a stack without a thread frame counts as "-". */
    static String threadKind(String first) {
        if (!first.startsWith("[")) {
            return "-";
        }
        String name = first.substring(1, first.indexOf(" tid=") > 0 ? first.indexOf(" tid=") : first.length() - 1);
        return name.replaceAll("[-#0-9 ]+$", "");
    }

    static Summary read(List<String> lines) {
        Summary s = new Summary();
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            s.add(line.substring(0, space), Long.parseLong(line.substring(space + 1).trim()));
        }
        return s;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ProfileTop FILE.collapsed [N]");
            System.exit(2);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Summary s = read(Files.readAllLines(Path.of(args[0])));
        if (s.samples == 0) {
            System.out.println("(no samples)");
            return;
        }
        System.out.printf(Locale.ROOT, "%d samples; %.1f %% of them in the kernel. By thread: %s%n%n", s.samples,
                pct(s.kernel, s.samples), String.join(", ", top(s.threads, 6).stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.1f %%", e.getKey(), pct(e.getValue(), s.samples))).toList()));
        System.out.println("| self % | frame |");
        System.out.println("|---:|---|");
        for (Map.Entry<String, Long> e : top(s.self, n)) {
            System.out.printf(Locale.ROOT, "| %.1f | `%s` |%n", pct(e.getValue(), s.samples), e.getKey());
        }
        System.out.println();
        System.out.println("| total % | frame (threads' own frames left out) |");
        System.out.println("|---:|---|");
        Map<String, Long> total = new HashMap<>(s.total);
        total.keySet().removeIf(f -> f.startsWith("[") || f.startsWith("java/lang/Thread.run") || f.contains("FastThreadLocalRunnable")
                || f.contains("ThreadExecutorMap") || f.contains("SingleThreadEventExecutor$") || f.contains("entry_SYSCALL")
                || f.contains("do_syscall_64"));
        for (Map.Entry<String, Long> e : top(total, n * 2)) {
            System.out.printf(Locale.ROOT, "| %.1f | `%s` |%n", pct(e.getValue(), s.samples), e.getKey());
        }
    }

    private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return entries.subList(0, Math.min(n, entries.size()));
    }

    private static double pct(long part, long whole) {
        return 100.0 * part / whole;
    }
}
