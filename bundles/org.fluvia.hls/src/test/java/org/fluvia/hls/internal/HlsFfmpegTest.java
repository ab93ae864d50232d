package org.fluvia.hls.internal;

import org.fluvia.testkit.Await;
import org.fluvia.testkit.Ffmpeg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node with the real RTMP server, HTTP server and HLS muxer; ffmpeg publishes, ffmpeg and ffprobe check the output. */
class HlsFfmpegTest {

    @TempDir
    Path dir;

    private static long tag(String playlist, String name) {
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#" + name + ":")) {
                return Long.parseLong(line.substring(name.length() + 2).trim());
            }
        }
        throw new AssertionError("no " + name + " in\n" + playlist);
    }

    @Test
    void ffmpegPublishesAndTheSegmentsDecodeStartAtKeyframesAndTheWindowSlides() throws Exception {
        try (HlsNode node = new HlsNode(dir, Map.of("hls__fragment", 2.0, "hls__window", 10.0))) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // A viewer asks before anyone publishes: the request waits for the first playlist.
            CompletableFuture<HttpResponse<String>> early = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(node.httpUrl("/live/cam.m3u8"))).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            Process publisher = Ffmpeg.publish(node.rtmpUrl("live", "cam"), 25, dir.resolve("publish.log"));
            Process decoder = null;
            try {
                HttpResponse<String> first = early.get(15, TimeUnit.SECONDS);
                assertEquals(200, first.statusCode(), first.body());
                assertTrue(first.body().startsWith("#EXTM3U"), first.body());
                assertEquals("application/vnd.apple.mpegurl", first.headers().firstValue("content-type").orElse(""));

                Path m3u8 = dir.resolve("live/cam.m3u8");
                List<Long> sequences = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (publisher.isAlive() && System.nanoTime() < deadline) {
                    String playlist = Files.readString(m3u8);
                    long target = tag(playlist, "EXT-X-TARGETDURATION");
                    for (String line : playlist.split("\n")) {
                        if (line.startsWith("#EXTINF:")) {
                            double d = Double.parseDouble(line.substring(8, line.indexOf(',')));
                            assertTrue(d <= target, line + " > target " + target);
                        }
                    }
                    long seq = tag(playlist, "EXT-X-MEDIA-SEQUENCE");
                    if (sequences.isEmpty() || sequences.get(sequences.size() - 1) != seq) {
                        sequences.add(seq);
                    }
                    if (decoder == null && seq >= 1) {
                        // ffmpeg plays the live playlist from the file system while it is being written.
                        decoder = Ffmpeg.start(dir.resolve("decode.log"), "ffmpeg", "-hide_banner", "-v", "error",
                                "-i", m3u8.toString(), "-t", "10", "-f", "null", "-");
                    }
                    // The static file server serves the playlist once it is on disk, uncached.
                    HttpResponse<String> viaHttp = client.send(HttpRequest.newBuilder(URI.create(node.httpUrl("/live/cam.m3u8"))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, viaHttp.statusCode());
                    assertTrue(viaHttp.body().startsWith("#EXTM3U"));
                    Thread.sleep(500);
                }
                assertEquals(0, Ffmpeg.waitFor(publisher, 30), Ffmpeg.read(dir.resolve("publish.log")));
                assertTrue(sequences.size() >= 4, "EXT-X-MEDIA-SEQUENCE advanced: " + sequences);
                for (int i = 1; i < sequences.size(); i++) {
                    assertTrue(sequences.get(i) > sequences.get(i - 1), "EXT-X-MEDIA-SEQUENCE only grows: " + sequences);
                }
                assertTrue(decoder != null, "the decoder started");
                assertEquals(0, Ffmpeg.waitFor(decoder, 30), Ffmpeg.read(dir.resolve("decode.log")));
                assertEquals("", Ffmpeg.read(dir.resolve("decode.log")).trim(), "ffmpeg decoded the segments without errors");

                String last = Files.readString(m3u8);
                List<String> names = last.lines().filter(l -> !l.startsWith("#")).toList();
                assertTrue(names.size() >= 4 && names.size() <= 6, "10 s of 2 s segments: " + last);
                for (String name : names) {
                    Path seg = m3u8.resolveSibling(name);
                    List<Ffmpeg.Packet> packets = Ffmpeg.packets(seg);
                    Ffmpeg.Packet firstVideo = packets.stream().filter(p -> p.type().equals("video")).findFirst().orElseThrow();
                    assertTrue(firstVideo.key(), name + " starts with a keyframe");
                    long seq = Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - 3));
                    assertEquals(seq, (long) Math.floor(firstVideo.dtsTime() / 2.0), name + " is named after its start on the 2 s grid");
                }
                assertEquals(tag(last, "EXT-X-MEDIA-SEQUENCE"), Long.parseLong(names.get(0).replaceAll("\\D", "")));
            } finally {
                Ffmpeg.stop(publisher);
                Ffmpeg.stop(decoder);
            }
        }
    }

    @Test
    void aPlaylistRequestForAStreamNobodyPublishesAnswers404AndLeavesNothingBehind() throws Exception {
        try (HlsNode node = new HlsNode(dir, Map.of("hls__fragment", 2.0))) {
            node.hls.requests.waitMs = 300;
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(node.httpUrl("/live/nobody.m3u8"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode());
            Await.until("the on-demand muxer gone", Duration.ofSeconds(5), node.hls.streams::isEmpty);
            assertEquals(0, node.hls.requests.waiting());
            assertTrue(node.hub.streams().isEmpty(), "the subscription was closed: " + node.hub.streams());
        }
    }
}
