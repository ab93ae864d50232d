package org.fluvia.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real ffmpeg and ffprobe as publishers and players (as in the RTMP server's tests). Every
 * process writes its output to a log file; callers stop what they start ({@link #stop}) in a finally.
 */
final class Ffmpeg {

    private Ffmpeg() {
    }

    /** A test pattern with a 440 Hz tone, H.264 (2 s GOP) + AAC, published in real time for {@code seconds}. */
    static Process publish(String url, int seconds, Path log) throws IOException {
        return start(log, "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", url);
    }

    /**
     * Copies {@code seconds} of the stream at {@code url} (0: until it ends) into an FLV file, as a
     * player receives it; packets are flushed to the file as they come, so its size shows progress.
     */
    static Process record(String url, int seconds, Path out, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                "-rw_timeout", "15000000", "-i", url));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-c", "copy", "-flush_packets", "1", "-f", "flv", out.toString()));
        return start(log, cmd.toArray(String[]::new));
    }

    /** Decodes {@code seconds} of the stream, discarding the pictures; errors go to the log. */
    static Process decode(String url, int seconds, Path log) throws IOException {
        return start(log, "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-rw_timeout", "15000000", "-i", url,
                "-t", String.valueOf(seconds), "-f", "null", "-");
    }

    static Process start(Path log, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }

    /** The exit code; kills the process and throws when it does not end within {@code seconds}. */
    static int waitFor(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("process " + p.info().commandLine().orElse("?") + " did not end within " + seconds + " s");
        }
        return p.exitValue();
    }

    /** SIGTERM (ffmpeg finishes its output), then SIGKILL after 5 s. Null and finished processes are fine. */
    static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One packet as ffprobe shows it. */
    record Packet(String type, long dts, double dtsTime, boolean key) {
    }

    /** The packets of a recorded file, in file order. */
    static List<Packet> packets(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "packet=codec_type,dts,dts_time,flags",
                "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (waitFor(p, 30) != 0) {
            throw new AssertionError("ffprobe failed on " + file + ": " + out);
        }
        List<Packet> packets = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length < 4 || f[1].equals("N/A")) {
                continue;
            }
            packets.add(new Packet(f[0], Long.parseLong(f[1]), Double.parseDouble(f[2]), f[3].startsWith("K")));
        }
        return packets;
    }

    /** codec_name of each stream of a file, sorted, e.g. [aac, h264]. */
    static List<String> codecs(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        waitFor(p, 30);
        List<String> codecs = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                codecs.add(line.trim().replace(",", ""));
            }
        }
        codecs.sort(null);
        return codecs;
    }

    /**
     * What a player must have received: H.264 + AAC, a keyframe as the first video packet,
     * non-decreasing dts per stream, each covering at least {@code minSeconds}. Returns a problem, or null.
     */
    static String playableProblem(Path flv, double minSeconds) throws IOException, InterruptedException {
        if (!Files.exists(flv) || Files.size(flv) == 0) {
            return flv + " is empty or missing";
        }
        List<String> codecs = codecs(flv);
        if (!codecs.equals(List.of("aac", "h264"))) {
            return flv + ": streams " + codecs + ", expected [aac, h264]";
        }
        List<Packet> packets = packets(flv);
        Packet firstVideo = packets.stream().filter(p -> p.type().equals("video")).findFirst().orElse(null);
        if (firstVideo == null || !firstVideo.key()) {
            return flv + ": the first video packet is not a keyframe: " + firstVideo;
        }
        for (String type : List.of("video", "audio")) {
            long last = Long.MIN_VALUE;
            double first = -1;
            double lastTime = 0;
            int n = 0;
            for (Packet p : packets) {
                if (!p.type().equals(type)) {
                    continue;
                }
                if (p.dts() < last) {
                    return flv + ": " + type + " dts goes back at packet " + n + ": " + p.dts() + " < " + last;
                }
                last = p.dts();
                if (first < 0) {
                    first = p.dtsTime();
                }
                lastTime = p.dtsTime();
                n++;
            }
            if (lastTime - first < minSeconds) {
                return flv + ": " + type + " covers " + (lastTime - first) + " s, expected >= " + minSeconds;
            }
        }
        return null;
    }

    /** Throws an AssertionError naming the problem (and the player's log) when {@link #playableProblem} finds one. */
    static void assertPlayable(Path flv, double minSeconds, Path log) throws IOException, InterruptedException {
        String problem = playableProblem(flv, minSeconds);
        if (problem != null) {
            throw new AssertionError(problem + "\n" + read(log));
        }
    }

    /** The size of a file that may not exist yet (0 then). */
    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static String read(Path log) {
        try {
            return log != null && Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
