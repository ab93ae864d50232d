package org.fluvia.http.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.fluvia.media.api.StreamKey;
import org.fluvia.testkit.Ffmpeg;
import org.fluvia.testkit.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/** Real ffmpeg publishing and playing over RTMP; the API read and driven over the real HTTP server. */
class HttpApiFfmpegTest {

    @TempDir
    Path dir;

    private ApiNode node;
    private Http http;
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

    /** Polls a list until one answer satisfies {@code ok}; returns that answer. */
    private JsonNode await(String path, String field, Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = http.get(path).json();
            if (ok.test(last.get(field))) {
                return last.get(field);
            }
            Thread.sleep(100);
        }
        fail(what + "; last answer: " + last);
        return null;
    }

    private static JsonNode find(JsonNode array, Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (p.test(n)) {
                return n;
            }
        }
        return null;
    }

    private static boolean isPlayer(JsonNode c) {
        return c.get("type").asText().equals("rtmp-play");
    }

    private static boolean isPublisher(JsonNode c) {
        return c.get("publish").asBoolean();
    }

    @Test
    void ffmpegPublisherAndPlayerAsStreamsAndClientsAndKicked() throws Exception {
        node = new ApiNode(Map.of("auth__enabled", true, "auth__username", "admin", "auth__password", "pw"));
        http = new Http(node);
        http.credentials = "admin:nope";
        assertEquals(401, http.get("/api/v1/streams").status());
        http.credentials = "admin:pw";
        assertEquals(200, http.get("/api/v1/streams").status());

        Process publisher = track(Ffmpeg.publishHighProfile(node.rtmpUrl("live", "cam"), 60, dir.resolve("pub.log")));
        JsonNode streams = await("/api/v1/streams", "streams",
                a -> a.size() == 1 && !a.get(0).get("video").isNull() && !a.get(0).get("audio").isNull(),
                "the published stream with both sequence headers");
        Process player = track(Ffmpeg.decode(node.rtmpUrl("live", "cam"), 60, dir.resolve("play.log")));
        streams = await("/api/v1/streams", "streams", a -> a.get(0).get("clients").asInt() == 2, "publisher + player");

        JsonNode s = streams.get(0);
        System.out.println("stream: " + s);
        assertEquals("cam", s.get("name").asText());
        assertEquals("live", s.get("app").asText());
        assertEquals("/live/cam", s.get("url").asText());
        assertEquals("rtmp://127.0.0.1:" + node.rtmpPort + "/live", s.get("tcUrl").asText());
        assertTrue(s.get("publish").get("active").asBoolean());
        JsonNode video = s.get("video");
        assertEquals("H264", video.get("codec").asText());
        assertEquals("High", video.get("profile").asText());
        assertEquals("3.1", video.get("level").asText());
        assertEquals(320, video.get("width").asInt());
        assertEquals(240, video.get("height").asInt());
        JsonNode audio = s.get("audio");
        assertEquals("AAC", audio.get("codec").asText());
        assertEquals(44100, audio.get("sample_rate").asInt());
        assertEquals(2, audio.get("channel").asInt());
        assertEquals("LC", audio.get("profile").asText());
        assertTrue(s.get("recv_bytes").asLong() > 0 && s.get("frames").asLong() > 0, s.toString());
        String streamId = s.get("id").asText();

        JsonNode clients = http.get("/api/v1/clients").json().get("clients");
        assertEquals(2, clients.size(), clients.toString());
        System.out.println("clients: " + clients);
        JsonNode pub = find(clients, HttpApiFfmpegTest::isPublisher);
        JsonNode play = find(clients, HttpApiFfmpegTest::isPlayer);
        assertNotNull(pub, clients.toString());
        assertNotNull(play, clients.toString());
        assertEquals("fmle-publish", pub.get("type").asText());
        assertEquals(streamId, pub.get("stream").asText());
        assertEquals(streamId, play.get("stream").asText());
        assertEquals("127.0.0.1", play.get("ip").asText());
        assertEquals(pub.get("id"), s.get("publish").get("cid"));
        assertTrue(pub.get("recv_bytes").asLong() > 0, pub.toString());

        // The player is kicked: its connection closes and ffmpeg ends; the publisher goes on.
        JsonNode kicked = http.delete("/api/v1/clients/" + play.get("id").asText()).json();
        assertEquals(0, kicked.get("code").asInt());
        assertTrue(player.waitFor(15, TimeUnit.SECONDS), "the kicked player's ffmpeg ended");
        streams = await("/api/v1/streams", "streams", a -> a.size() == 1 && a.get(0).get("clients").asInt() == 1,
                "only the publisher left");
        assertTrue(streams.get(0).get("publish").get("active").asBoolean());
        assertTrue(publisher.isAlive(), "the publisher continues");
        assertEquals(2049, http.get("/api/v1/clients/" + play.get("id").asText()).json().get("code").asInt());

        // The publisher is kicked: the stream ends.
        assertEquals(0, http.delete("/api/v1/clients/" + pub.get("id").asText()).json().get("code").asInt());
        await("/api/v1/streams", "streams",
                a -> a.size() == 0 || !a.get(0).get("publish").get("active").asBoolean(), "the stream ended");
        var hubStream = node.hub.stream(StreamKey.of("live", "cam"));
        assertTrue(hubStream == null || !hubStream.isPublished(), "the hub's stream ended too");
        assertTrue(publisher.waitFor(15, TimeUnit.SECONDS), "the kicked publisher's ffmpeg ended");
        await("/api/v1/clients", "clients", a -> a.size() == 0, "no clients left");
    }
}
