package org.fluvia.http.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamKey;
import org.fluvia.testkit.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The API over the real HTTP server, with streams published into the real hub and clients registered by hand. */
class HttpApiRoutesTest {

    private ApiNode node;
    private Http http;
    private final List<Publication> publications = new ArrayList<>();

    private void start(Map<String, Object> config) throws Exception {
        node = new ApiNode(config);
        http = new Http(node);
    }

    @AfterEach
    void stop() throws Exception {
        publications.forEach(Publication::close);
        if (node != null) {
            node.close();
        }
        Leaks.assertNoLeakReported();
    }

    /** Publishes a stream whose only media is an AAC-LC 44100 Hz stereo sequence header. */
    private Publication publishAudioOnly(StreamKey key) throws Exception {
        Publication p = node.hub.publish(key, SourceKind.PUBLISH, "test");
        publications.add(p);
        p.publish(MediaMessage.of(MediaType.AUDIO, 0, Unpooled.wrappedBuffer(new byte[]{(byte) 0xAF, 0x00, 0x12, 0x10})));
        return p;
    }

    private FakeClient register(Client.Role role, StreamKey key) {
        FakeClient c = new FakeClient(node.clients.nextId(), "rtmp", role, key);
        c.registration = node.clients.register(c);
        return c;
    }

    @Test
    void versionsAnswersSrsEnvelopeWithTheBundleVersion() throws Exception {
        start(Map.of());
        Http.Answer a = http.get("/api/v1/versions");
        assertEquals(200, a.status());
        assertEquals("application/json", a.header("content-type"));
        assertEquals("*", a.header("access-control-allow-origin"), "the server's CORS header");
        JsonNode j = a.json();
        assertEquals(0, j.get("code").asInt());
        assertTrue(j.get("server").asText().startsWith("vid-"), j.toString());
        assertFalse(j.get("service").asText().isEmpty());
        assertEquals(String.valueOf(ProcessHandle.current().pid()), j.get("pid").asText());
        JsonNode data = j.get("data");
        assertEquals("0.1.0", data.get("version").asText(), "from the project version 0.1.0-SNAPSHOT");
        assertEquals(0, data.get("major").asInt());
        assertEquals(1, data.get("minor").asInt());
        assertEquals(0, data.get("revision").asInt());
        assertEquals(j.get("server"), http.get("/api/v1/summaries").json().get("server"), "one server id per activation");
    }

    @Test
    void summariesFillWhatTheJvmAndProcfsGive() throws Exception {
        start(Map.of());
        JsonNode data = http.get("/api/v1/summaries").json().get("data");
        assertTrue(data.get("ok").asBoolean(), data.toString());
        assertTrue(Math.abs(System.currentTimeMillis() - data.get("now_ms").asLong()) < 60_000);
        JsonNode self = data.get("self");
        assertEquals(ProcessHandle.current().pid(), self.get("pid").asLong());
        assertEquals("0.1.0", self.get("version").asText());
        assertTrue(self.get("mem_kbyte").asLong() > 0, self.toString());
        assertTrue(self.get("mem_percent").asDouble() > 0 && self.get("mem_percent").asDouble() < 1, self.toString());
        JsonNode sys = data.get("system");
        assertEquals(Runtime.getRuntime().availableProcessors(), sys.get("cpus").asInt());
        assertTrue(sys.get("mem_ram_kbyte").asLong() > 0, sys.toString());
        assertTrue(sys.get("uptime").asDouble() > 0, sys.toString());
        assertTrue(sys.has("load_1m") && sys.has("conn_srs") && sys.has("ilde_time"), sys.toString());
    }

    @Test
    void unknownApiPathIs404JsonAndOtherPathsAreNotTheApis() throws Exception {
        start(Map.of());
        Http.Answer a = http.get("/api/v1/nothing");
        assertEquals(404, a.status());
        assertEquals(404, a.json().get("code").asInt());
        assertEquals(404, http.get("/api/v1/streams/vid-1/more").status());
        Http.Answer other = http.get("/live/cam.flv");
        assertEquals(404, other.status());
        assertFalse(other.header("content-type").contains("json"), "the server's own 404 page, not ours");
        assertEquals(0, http.get("/api/").json().get("code").asInt());
        assertTrue(http.get("/api/v1").json().get("urls").has("streams"));
    }

    @Test
    void unknownIdsAnswerSrsErrorCodesWithStatus200() throws Exception {
        start(Map.of());
        assertEquals(2048, http.get("/api/v1/streams/vid-999").json().get("code").asInt());
        assertEquals(2049, http.get("/api/v1/clients/999").json().get("code").asInt());
        assertEquals(2049, http.get("/api/v1/clients/not-a-number").json().get("code").asInt());
        assertEquals(2014, http.get("/api/v1/vhosts/vid-999").json().get("code").asInt());
        Http.Answer a = http.delete("/api/v1/clients/999");
        assertEquals(200, a.status());
        assertEquals(2049, a.json().get("code").asInt());
    }

    @Test
    void wrongMethodsAre405() throws Exception {
        start(Map.of());
        Http.Answer a = http.send("POST", "/api/v1/streams", null);
        assertEquals(405, a.status());
        assertEquals(405, a.json().get("code").asInt());
        assertEquals(405, http.delete("/api/v1/clients").status(), "DELETE needs an id");
        assertEquals(405, http.delete("/api/v1/summaries").status());
    }

    @Test
    void streamsClientsAndVhostsFromTheHubAndTheRegistry() throws Exception {
        start(Map.of());
        StreamKey key = StreamKey.of("live", "radio");
        publishAudioOnly(key);
        FakeClient publisher = register(Client.Role.PUBLISH, key);
        publisher.bytesIn = 1000;
        FakeClient player = register(Client.Role.PLAY, key);
        player.bytesOut = 3000;
        register(null, null); // connected, neither publishing nor playing: not listed

        JsonNode streams = http.get("/api/v1/streams").json().get("streams");
        assertEquals(1, streams.size(), streams.toString());
        JsonNode s = streams.get(0);
        assertEquals("radio", s.get("name").asText());
        assertEquals("live", s.get("app").asText());
        assertEquals("/live/radio", s.get("url").asText());
        assertEquals("rtmp://example.com/live", s.get("tcUrl").asText());
        assertEquals(2, s.get("clients").asInt());
        assertEquals(1000, s.get("recv_bytes").asLong());
        assertEquals(3000, s.get("send_bytes").asLong());
        assertTrue(s.get("publish").get("active").asBoolean());
        assertEquals(String.valueOf(publisher.id), s.get("publish").get("cid").asText());
        assertTrue(s.get("video").isNull(), "no video sequence header");
        JsonNode audio = s.get("audio");
        assertEquals("AAC", audio.get("codec").asText());
        assertEquals(44100, audio.get("sample_rate").asInt());
        assertEquals(2, audio.get("channel").asInt());
        assertEquals("LC", audio.get("profile").asText());
        assertTrue(s.get("kbps").has("recv_30s") && s.get("kbps").has("send_30s"));

        String id = s.get("id").asText();
        assertEquals(s.get("name"), http.get("/api/v1/streams/" + id).json().get("stream").get("name"));
        assertEquals(id, http.get("/api/v1/streams").json().get("streams").get(0).get("id").asText(), "stable id");

        JsonNode clients = http.get("/api/v1/clients").json().get("clients");
        assertEquals(2, clients.size(), clients.toString());
        JsonNode pub = clients.get(0);
        assertEquals(String.valueOf(publisher.id), pub.get("id").asText());
        assertEquals("fmle-publish", pub.get("type").asText());
        assertTrue(pub.get("publish").asBoolean());
        assertEquals(id, pub.get("stream").asText());
        assertEquals("192.0.2.7", pub.get("ip").asText());
        assertEquals("radio", pub.get("name").asText());
        assertEquals("/live/radio", pub.get("url").asText());
        assertEquals("rtmp-play", clients.get(1).get("type").asText());
        assertFalse(clients.get(1).get("publish").asBoolean());
        assertEquals(3000, clients.get(1).get("send_bytes").asLong());

        JsonNode vhosts = http.get("/api/v1/vhosts").json().get("vhosts");
        assertEquals(1, vhosts.size());
        JsonNode v = vhosts.get(0);
        assertEquals(StreamKey.DEFAULT_VHOST, v.get("name").asText());
        assertEquals(v.get("id"), s.get("vhost"), "a stream names its vhost by id, as SRS");
        assertEquals(1, v.get("streams").asInt());
        assertEquals(2, v.get("clients").asInt());
        JsonNode one = http.get("/api/v1/vhosts/" + v.get("id").asText()).json().get("vhost");
        ((com.fasterxml.jackson.databind.node.ObjectNode) one).remove("kbps");
        ((com.fasterxml.jackson.databind.node.ObjectNode) v).remove("kbps");
        assertEquals(v, one);
    }

    @Test
    void deleteKicksTheClient() throws Exception {
        start(Map.of());
        StreamKey key = StreamKey.of("live", "radio");
        publishAudioOnly(key);
        FakeClient player = register(Client.Role.PLAY, key);
        FakeClient other = register(Client.Role.PLAY, key);
        JsonNode j = http.delete("/api/v1/clients/" + player.id).json();
        assertEquals(0, j.get("code").asInt());
        assertTrue(player.kicked);
        assertFalse(other.kicked);
    }

    @Test
    void pagingTakesStartAndCountWithTenByDefault() throws Exception {
        start(Map.of());
        StreamKey key = StreamKey.of("live", "many");
        publishAudioOnly(key);
        List<FakeClient> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(register(Client.Role.PLAY, key));
        }
        assertEquals(10, http.get("/api/v1/clients").json().get("clients").size());
        JsonNode page = http.get("/api/v1/clients?start=3&count=2").json().get("clients");
        assertEquals(2, page.size());
        assertEquals(String.valueOf(all.get(3).id), page.get(0).get("id").asText());
        assertEquals(String.valueOf(all.get(4).id), page.get(1).get("id").asText());
        assertEquals(2, http.get("/api/v1/clients?start=10&count=5").json().get("clients").size());
        assertEquals(0, http.get("/api/v1/clients?start=20").json().get("clients").size());
        assertEquals(10, http.get("/api/v1/clients?start=-4&count=x").json().get("clients").size(), "bad values: defaults");

        for (int i = 0; i < 4; i++) {
            publishAudioOnly(StreamKey.of("live", "s" + i));
        }
        assertEquals(5, http.get("/api/v1/streams").json().get("streams").size());
        JsonNode streams = http.get("/api/v1/streams?start=1&count=3").json().get("streams");
        assertEquals(3, streams.size());
        assertEquals("s0", streams.get(0).get("name").asText(), "creation order");
        assertEquals("s2", streams.get(2).get("name").asText());
    }

    @Test
    void idsAndRatesOfGoneStreamsAreForgotten() throws Exception {
        start(Map.of());
        Publication p = publishAudioOnly(StreamKey.of("live", "brief"));
        FakeClient c = register(Client.Role.PUBLISH, StreamKey.of("live", "brief"));
        assertEquals(1, http.get("/api/v1/streams").json().get("streams").size());
        http.get("/api/v1/clients");
        Statistics stats = (Statistics) readField(node.api, "statistics");
        assertTrue(stats.remembered() > 0);
        p.close();
        c.registration.close();
        assertEquals(0, http.get("/api/v1/streams").json().get("streams").size());
        assertEquals(0, stats.remembered(), "no ids or rate windows left");
    }

    @Test
    void basicAuthGuardsEveryApiRequest() throws Exception {
        start(Map.of("auth__enabled", true, "auth__username", "admin", "auth__password", "s3cr:et"));
        Http.Answer none = http.get("/api/v1/versions");
        assertEquals(401, none.status());
        assertEquals("Basic realm=\"Fluvia\"", none.header("www-authenticate"));
        assertEquals(401, none.json().get("code").asInt());
        http.credentials = "admin:wrong";
        assertEquals(401, http.get("/api/v1/streams").status());
        http.credentials = "admin:s3cr";
        assertEquals(401, http.get("/api/v1/streams").status());
        http.credentials = "admin:s3cr:et";
        assertEquals(200, http.get("/api/v1/streams").status(), "a password may hold ':'");
        assertEquals(0, http.get("/api/v1/versions").json().get("code").asInt());
        http.credentials = null;
        assertEquals(401, http.delete("/api/v1/clients/1").status(), "kicking needs credentials too");
        assertEquals(404, http.get("/other").status(), "not the API's path: not guarded");
    }

    @Test
    void crossdomainAddsExposeHeadersAndTheServerAnswersPreflights() throws Exception {
        start(Map.of());
        Http.Answer preflight = http.send("OPTIONS", "/api/v1/clients/1", "http://console.example");
        assertEquals(200, preflight.status());
        assertTrue(preflight.header("access-control-allow-methods").contains("DELETE"), preflight.headers().toString());
        Http.Answer a = http.send("GET", "/api/v1/versions", "http://console.example");
        assertEquals("*", a.header("access-control-allow-origin"));
        assertEquals("*", a.header("access-control-expose-headers"));
        assertNull(http.get("/api/v1/versions").header("access-control-expose-headers"), "no Origin, no CORS extras");
    }

    @Test
    void withoutCrossdomainNoHeadersAreAdded() throws Exception {
        start(Map.of("crossdomain", false));
        Http.Answer a = http.send("GET", "/api/v1/versions", "http://console.example");
        assertEquals(200, a.status());
        assertNull(a.header("access-control-expose-headers"));
    }

    static Object readField(Object target, String name) throws ReflectiveOperationException {
        var f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }
}
