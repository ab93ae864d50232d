package org.fluvia.http.api.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the real ffmpeg (installed by .ci/install-deps.sh) as publisher and player. */
final class Ffmpeg {

    private Ffmpeg() {
    }

    /**
     * A 320x240 test pattern, H.264 High profile level 3.1 (2 s GOP), with a 440 Hz tone as AAC-LC
     * 44100 Hz stereo, published in real time for {@code seconds}.
     */
    static Process publish(String url, int seconds, Path log) throws IOException {
        return start(log, "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p",
                "-profile:v", "high", "-level", "3.1",
                "-c:a", "aac", "-ac", "2", "-ar", "44100", "-b:a", "64k", "-f", "flv", url);
    }

    /** Decodes {@code seconds} of the stream, discarding the pictures. */
    static Process play(String url, int seconds, Path log) throws IOException {
        return start(log, "ffmpeg", "-hide_banner", "-loglevel", "error", "-rw_timeout", "15000000", "-i", url,
                "-t", String.valueOf(seconds), "-f", "null", "-");
    }

    static Process start(Path log, String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
