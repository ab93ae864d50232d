package org.fluvia.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node as an operator runs it: {@code bin/fluvia -c node.conf} with RTMP, HTTP-FLV and HLS,
 * real ffmpeg publishers and players, SIGTERM at the end.
 */
class NodeEndToEndIT {

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    @Test
    void publishPlayOverRtmpHttpFlvAndHlsUnpublishRepublishAndStopOnSigterm() throws Exception {
        int rtmpPort = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Path work = tmp.resolve("node");
        Files.createDirectories(work);
        Files.writeString(work.resolve("node.conf"), "listen 127.0.0.1:" + rtmpPort + ";\n"
                + "http_server {\n    enabled on;\n    listen 127.0.0.1:" + httpPort + ";\n    dir ./html;\n}\n"
                + "vhost __defaultVhost__ {\n"
                + "    http_remux {\n        enabled on;\n        mount [vhost]/[app]/[stream].flv;\n    }\n"
                + "    hls {\n        enabled on;\n        hls_fragment 2;\n        hls_window 10;\n        hls_path ./html;\n    }\n"
                + "}\n");
        Path logs = tmp.resolve("ffmpeg");
        Files.createDirectories(logs);
        String rtmp = "rtmp://127.0.0.1:" + rtmpPort + "/live/e2e";
        String flv = "http://127.0.0.1:" + httpPort + "/live/e2e.flv";
        String m3u8 = "http://127.0.0.1:" + httpPort + "/live/e2e.m3u8";

        try (FluviaNode node = FluviaNode.start(work, Map.of(), "-c", "node.conf", "--console", "off")) {
            node.waitForPort("127.0.0.1", rtmpPort, Duration.ofSeconds(20));
            node.waitForPort("127.0.0.1", httpPort, Duration.ofSeconds(10));

            Process pub = track(Ffmpeg.publish(rtmp, 35, logs.resolve("pub1.log")));
            Path playlist = work.resolve("html/live/e2e.m3u8");
            assertTrue(TestSupport.await(Duration.ofSeconds(20), () -> Files.exists(playlist)),
                    "the HLS playlist appears under the http_server dir\n" + Ffmpeg.read(logs.resolve("pub1.log")) + node.log());

            Path a = logs.resolve("a.flv");
            Path b = logs.resolve("b.flv");
            Path h = logs.resolve("http.flv");
            Process pa = track(Ffmpeg.record(rtmp, 10, a, logs.resolve("a.log")));
            Process pb = track(Ffmpeg.record(rtmp, 10, b, logs.resolve("b.log")));
            Process ph = track(Ffmpeg.record(flv, 10, h, logs.resolve("http.log")));
            Process hls = track(Ffmpeg.start(logs.resolve("hls.log"), "ffmpeg", "-nostdin", "-v", "error",
                    "-i", m3u8, "-t", "20", "-f", "null", "-"));
            assertEquals(0, Ffmpeg.waitFor(pa, 40), Ffmpeg.read(logs.resolve("a.log")));
            assertEquals(0, Ffmpeg.waitFor(pb, 40), Ffmpeg.read(logs.resolve("b.log")));
            assertEquals(0, Ffmpeg.waitFor(ph, 40), Ffmpeg.read(logs.resolve("http.log")));
            Ffmpeg.assertPlayable(a, 9.0, logs.resolve("a.log"));
            Ffmpeg.assertPlayable(b, 9.0, logs.resolve("b.log"));
            Ffmpeg.assertPlayable(h, 9.0, logs.resolve("http.log"));
            assertEquals(0, Ffmpeg.waitFor(hls, 40), Ffmpeg.read(logs.resolve("hls.log")));
            assertEquals("", Ffmpeg.read(logs.resolve("hls.log")).strip(), "20 s of HLS decode without errors");

            // the publisher ends: a player still reading gets UnpublishNotify and ffmpeg ends cleanly
            Process tail = track(Ffmpeg.record(rtmp, 0, logs.resolve("tail.flv"), logs.resolve("tail.log")));
            assertTrue(TestSupport.await(Duration.ofSeconds(10), () -> Ffmpeg.size(logs.resolve("tail.flv")) > 0),
                    "the last player receives\n" + Ffmpeg.read(logs.resolve("tail.log")));
            assertEquals(0, Ffmpeg.waitFor(pub, 30), Ffmpeg.read(logs.resolve("pub1.log")));
            assertEquals(0, Ffmpeg.waitFor(tail, 15), "the player ends with the publisher\n" + Ffmpeg.read(logs.resolve("tail.log")));

            // republish: a new player plays
            track(Ffmpeg.publish(rtmp, 15, logs.resolve("pub2.log")));
            TestSupport.sleep(1000);
            Path again = logs.resolve("again.flv");
            Process p2 = track(Ffmpeg.record(rtmp, 4, again, logs.resolve("again.log")));
            assertEquals(0, Ffmpeg.waitFor(p2, 30), Ffmpeg.read(logs.resolve("again.log")));
            Ffmpeg.assertPlayable(again, 3.0, logs.resolve("again.log"));

            assertEquals(0, node.stop(), "SIGTERM stops the node cleanly\n" + node.log());
            assertTrue(TestSupport.connectRefused("127.0.0.1", rtmpPort), "RTMP port closed after the stop");
            node.assertNoLeaks();
        }
    }
}
