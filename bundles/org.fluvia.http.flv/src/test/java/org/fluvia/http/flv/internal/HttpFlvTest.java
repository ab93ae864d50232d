package org.fluvia.http.flv.internal;

import org.fluvia.media.api.StreamKey;
import org.fluvia.testkit.Ffmpeg;
import org.fluvia.testkit.Leaks;
import org.junit.jupiter.api.AfterEach;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Real ffmpeg publishing over RTMP and reading HTTP-FLV from the real HTTP server. */
class HttpFlvTest {

    @TempDir
    Path dir;

    private FlvNode node;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
        if (node != null) {
            node.close();
        }
        Leaks.assertNoLeakReported();
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    private void awaitPublished(StreamKey key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            var s = node.hub.stream(key);
            if (s != null && s.isPublished()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("stream " + key + " was never published");
    }

    private void assertPlayable(Path flv, double minSeconds) throws Exception {
        assertEquals(List.of("aac", "h264"), Ffmpeg.codecs(flv), "both streams in " + flv);
        List<Ffmpeg.Packet> packets = Ffmpeg.packets(flv);
        assertTrue(packets.stream().filter(p -> p.type().equals("video")).findFirst().orElseThrow().key(), "starts with a keyframe");
        for (String type : List.of("video", "audio")) {
            List<Ffmpeg.Packet> track = packets.stream().filter(p -> p.type().equals(type)).toList();
            for (int i = 1; i < track.size(); i++) {
                assertTrue(track.get(i).dts() >= track.get(i - 1).dts(), type + " timestamps go back at " + i);
            }
            double span = track.get(track.size() - 1).dtsTime() - track.get(0).dtsTime();
            assertTrue(span >= minSeconds, type + " covers " + span + " s");
        }
    }

    @Test
    void ffprobeReadsTenSecondsOfHttpFlvWithBothStreams() throws Exception {
        node = new FlvNode(Map.of());
        track(Ffmpeg.publish(node.rtmpUrl("live", "cam"), 25, dir.resolve("pub.log")));
        awaitPublished(StreamKey.of("live", "cam"));
        Path out = dir.resolve("http.flv");
        Process player = track(Ffmpeg.record(node.flvUrl("/live/cam.flv"), 10, out, dir.resolve("play.log")));
        assertEquals(0, Ffmpeg.waitFor(player, 30), Ffmpeg.read(dir.resolve("play.log")));
        assertPlayable(out, 9.0);
    }

    @Test
    void responseHeadersAndFlvSignature() throws Exception {
        node = new FlvNode(Map.of());
        track(Ffmpeg.publish(node.rtmpUrl("live", "hdr"), 15, dir.resolve("pub.log")));
        awaitPublished(StreamKey.of("live", "hdr"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(URI.create(node.flvUrl("/live/hdr.flv"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (var in = r.body()) {
            assertEquals(200, r.statusCode());
            assertEquals("video/x-flv", r.headers().firstValue("content-type").orElse(""));
            assertEquals("*", r.headers().firstValue("access-control-allow-origin").orElse(""));
            byte[] head = in.readNBytes(13);
            assertEquals("FLV", new String(head, 0, 3));
            assertEquals(1, head[3]);
            assertEquals(5, head[4], "audio and video flags");
            assertEquals(18, in.read(), "the first tag is the metadata script tag");
        }
    }

    @Test
    void unpublishedStreamIs404WithoutHstrs() throws Exception {
        node = new FlvNode(Map.of());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.flvUrl("/live/none.flv"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertNull(node.hub.stream(StreamKey.of("live", "none")), "no stream or waiter left behind");
    }

    @Test
    void hstrsWaitsForTheStreamToBePublished() throws Exception {
        node = new FlvNode(Map.of("hstrs", true));
        Path out = dir.resolve("early.flv");
        Process player = track(Ffmpeg.record(node.flvUrl("/live/later.flv"), 4, out, dir.resolve("play.log")));
        Thread.sleep(1500); // the request is waiting for a source
        assertEquals(1, node.hub.stream(StreamKey.of("live", "later")).readerCount());
        track(Ffmpeg.publish(node.rtmpUrl("live", "later"), 15, dir.resolve("pub.log")));
        assertEquals(0, Ffmpeg.waitFor(player, 30), Ffmpeg.read(dir.resolve("play.log")));
        assertPlayable(out, 3.0);
    }

    @Test
    void hstrsGivesUpAfterItsTimeoutAndLeavesNothingBehind() throws Exception {
        node = new FlvNode(Map.of("hstrs", true, "hstrs__timeout", 1));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.flvUrl("/live/never.flv"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        Thread.sleep(200);
        assertNull(node.hub.stream(StreamKey.of("live", "never")), "the waiting subscription was closed");
    }

    @Test
    void unpublishEndsTheResponse() throws Exception {
        node = new FlvNode(Map.of());
        Process pub = track(Ffmpeg.publish(node.rtmpUrl("live", "end"), 5, dir.resolve("pub.log")));
        awaitPublished(StreamKey.of("live", "end"));
        Path out = dir.resolve("end.flv");
        Process player = track(Ffmpeg.record(node.flvUrl("/live/end.flv"), 0, out, dir.resolve("play.log")));
        assertEquals(0, Ffmpeg.waitFor(pub, 20));
        assertEquals(0, Ffmpeg.waitFor(player, 15), "the player ends cleanly: " + Ffmpeg.read(dir.resolve("play.log")));
        assertTrue(Files.size(out) > 10_000);
    }

    /** HTTP/1.0 has no chunks (nginx proxies with it unless told otherwise): the FLV body ends with the connection. */
    @Test
    void anHttp10ClientGetsAnUnframedFlvBodyThatEndsWhenTheStreamDoes() throws Exception {
        node = new FlvNode(Map.of());
        Process pub = track(Ffmpeg.publish(node.rtmpUrl("live", "old"), 5, dir.resolve("pub.log")));
        awaitPublished(StreamKey.of("live", "old"));
        URI url = URI.create(node.flvUrl("/live/old.flv"));
        Path out = dir.resolve("old.flv");
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + url.getPath() + " HTTP/1.0\r\nHost: " + url.getHost() + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), head);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), head);
            Files.write(out, in.readAllBytes()); // to the close, which the unpublish brings
        }
        assertEquals(0, Ffmpeg.waitFor(pub, 20));
        assertPlayable(out, 3.0);
    }

    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException("closed in the head: " + head);
            }
            head.append((char) c);
        }
        return head.toString();
    }

    @Test
    void stoppedRouteAnswers404AndOtherStreamsKeepPlaying() throws Exception {
        node = new FlvNode(Map.of());
        track(Ffmpeg.publish(node.rtmpUrl("live", "swap"), 20, dir.resolve("pub.log")));
        awaitPublished(StreamKey.of("live", "swap"));
        node.stopFlv();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.flvUrl("/live/swap.flv"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertTrue(node.hub.stream(StreamKey.of("live", "swap")).isPublished(), "the RTMP publish is unaffected");
    }
}
