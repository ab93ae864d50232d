package org.fluvia.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real ffmpeg and ffprobe (installed by .ci/install-deps.sh) as publishers and players. */
public final class Ffmpeg {

    private Ffmpeg() {
    }

    /** A test pattern with a 440 Hz tone, H.264 (2 s GOP) + AAC, published in real time for {@code seconds}. */
    public static Process publish(String url, int seconds, Path log) throws IOException {
        return publishTestPattern(url, seconds, log,
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k");
    }

    /**
     * A 320x240 test pattern, H.264 High profile level 3.1 (2 s GOP), with a 440 Hz tone as AAC-LC
     * 44100 Hz stereo, published in real time for {@code seconds}: a stream whose codec details are all known.
     */
    public static Process publishHighProfile(String url, int seconds, Path log) throws IOException {
        return publishTestPattern(url, seconds, log,
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p",
                "-profile:v", "high", "-level", "3.1",
                "-c:a", "aac", "-ac", "2", "-ar", "44100", "-b:a", "64k");
    }

    /** testsrc 320x240 at 25 fps and a 440 Hz sine, encoded with {@code codecOptions}, as FLV to {@code url}. */
    private static Process publishTestPattern(String url, int seconds, Path log, String... codecOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds)));
        cmd.addAll(List.of(codecOptions));
        cmd.addAll(List.of("-f", "flv", url));
        return start(log, cmd.toArray(String[]::new));
    }

    /** Copies {@code seconds} of the stream at {@code url} into an FLV file, as a player would receive it. */
    public static Process record(String url, int seconds, Path out, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-rw_timeout", "15000000",
                "-i", url));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-c", "copy", "-f", "flv", out.toString()));
        return start(log, cmd.toArray(String[]::new));
    }

    /** Decodes {@code seconds} of the stream, discarding the pictures; errors go to the log. */
    public static Process decode(String url, int seconds, Path log) throws IOException {
        return start(log, "ffmpeg", "-hide_banner", "-loglevel", "error", "-rw_timeout", "15000000", "-i", url,
                "-t", String.valueOf(seconds), "-f", "null", "-");
    }

    /** Starts {@code cmd} with its output and errors going to {@code log}. */
    public static Process start(Path log, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** The exit code of {@code p}; fails, killing it, when it does not end within {@code seconds}. */
    public static int waitFor(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("process " + p.info().commandLine().orElse("?") + " did not end within " + seconds + " s");
        }
        return p.exitValue();
    }

    /** Stops {@code p} (if it is running), forcibly when it does not end within 5 s. */
    public static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One packet as ffprobe shows it. */
    public record Packet(String type, long dts, double dtsTime, boolean key) {
    }

    /** The packets of a recorded file, in file order. */
    public static List<Packet> packets(Path file) throws IOException, InterruptedException {
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

    /** codec_name of each stream of a file, e.g. [h264, aac]. */
    public static List<String> codecs(Path file) throws IOException, InterruptedException {
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

    /** The log a process wrote, or "". */
    public static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
