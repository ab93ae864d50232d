package org.fluvia.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's execution samples: the hottest methods by self time (top frame) and by
 * total time (anywhere on the stack), as Markdown rows. Usage: {@code JfrTop FILE.jfr [N]}.
 */
public final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop FILE.jfr [N]");
            System.exit(2);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> once = new HashSet<>();
            for (RecordedFrame f : frames) {
                if (once.add(name(f))) {
                    total.merge(name(f), 1, Integer::sum);
                }
            }
        }
        System.out.println(samples + " execution samples (Java threads only; time in the kernel, e.g. in write(2), shows"
                + " as the native method that made the call)");
        System.out.println();
        print("self", self, samples, n);
        System.out.println();
        print("total", total, samples, n);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName().replaceAll("^.*\\.", "") + "." + f.getMethod().getName();
    }

    private static void print(String what, Map<String, Integer> counts, int samples, int n) {
        System.out.println("| " + what + " % | method |");
        System.out.println("|---:|---|");
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(n)
                .forEach(en -> System.out.printf(java.util.Locale.ROOT, "| %.1f | `%s` |%n",
                        100.0 * en.getValue() / Math.max(1, samples), en.getKey()));
    }
}
