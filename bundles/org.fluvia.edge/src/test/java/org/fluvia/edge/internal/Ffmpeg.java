package org.fluvia.edge.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real ffmpeg and ffprobe (installed by .ci/install-deps.sh) as publishers and players. */
final class Ffmpeg {

    private Ffmpeg() {
    }

    /** A test pattern with a 440 Hz tone, H.264 (2 s GOP) + AAC, published in real time for {@code seconds}. */
    static Process publish(String url, int seconds, Path log) throws IOException {
        return start(log, "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", url);
    }

    /** Copies {@code seconds} of the stream at {@code url} into an FLV file, as a player would receive it. */
    static Process record(String url, int seconds, Path out, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-rw_timeout", "15000000",
                "-i", url));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-c", "copy", "-f", "flv", out.toString()));
        return start(log, cmd.toArray(String[]::new));
    }

    static Process start(Path log, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    static int waitFor(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("process " + p.info().commandLine().orElse("?") + " did not end within " + seconds + " s");
        }
        return p.exitValue();
    }

    static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** codec_name of each stream of a file, e.g. [h264, aac]. */
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

    static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
