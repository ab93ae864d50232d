package org.fluvia.http.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.StreamKey;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The pure parts: SRS's names for codecs and client types, URLs, the 30 s rate window. */
class UnitsTest {

    @Test
    void avcProfilesAndLevelsAsSrsNamesThem() {
        assertEquals("High", Codecs.avcProfile(100));
        assertEquals("Baseline", Codecs.avcProfile(66));
        assertEquals("Main", Codecs.avcProfile(77));
        assertEquals("Other", Codecs.avcProfile(7));
        assertEquals("3.1", Codecs.avcLevel(31));
        assertEquals("3", Codecs.avcLevel(30));
        assertEquals("5.1", Codecs.avcLevel(51));
        assertEquals("Other", Codecs.avcLevel(9));
        assertEquals("Other", Codecs.avcLevel(99));
        assertEquals("LC", Codecs.aacProfile(2));
        assertEquals("HE", Codecs.aacProfile(5));
        assertEquals("HEv2", Codecs.aacProfile(29));
        assertEquals("Other", Codecs.aacProfile(42));
    }

    @Test
    void audioAndVideoObjectsFromSequenceHeaders() {
        ByteBuf aac = Unpooled.wrappedBuffer(new byte[]{(byte) 0xAF, 0x00, 0x11, (byte) 0x88}); // LC, 48000, mono
        JsonNode a = Codecs.audio(aac);
        assertEquals("AAC", a.get("codec").asText());
        assertEquals(48000, a.get("sample_rate").asInt());
        assertEquals(1, a.get("channel").asInt());
        assertEquals("LC", a.get("profile").asText());
        assertEquals(4, aac.readableBytes(), "indices untouched");
        aac.release();

        ByteBuf broken = Unpooled.wrappedBuffer(new byte[]{(byte) 0xAF, 0x00}); // no AudioSpecificConfig
        assertEquals("AAC", Codecs.audio(broken).get("codec").asText());
        assertEquals(0, Codecs.audio(broken).get("sample_rate").asInt());
        broken.release();

        ByteBuf avcBroken = Unpooled.wrappedBuffer(new byte[]{0x17, 0x00, 0, 0, 0, 1, 100, 0, 31});
        JsonNode v = Codecs.video(avcBroken);
        assertEquals("H264", v.get("codec").asText());
        assertEquals("Other", v.get("profile").asText(), "a truncated record: profile unknown");
        assertEquals(0, v.get("width").asInt());
        avcBroken.release();

        ByteBuf empty = Unpooled.EMPTY_BUFFER;
        assertTrue(Codecs.video(empty).isNull());
        assertTrue(Codecs.audio(empty).isNull());
    }

    @Test
    void clientTypesAsSrsNamesThem() {
        StreamKey key = StreamKey.of("live", "cam");
        assertEquals("fmle-publish", Statistics.clientType(new FakeClient(1, "rtmp", Client.Role.PUBLISH, key)));
        assertEquals("rtmp-play", Statistics.clientType(new FakeClient(1, "rtmp", Client.Role.PLAY, key)));
        assertEquals("flv-play", Statistics.clientType(new FakeClient(1, "flv", Client.Role.PLAY, key)));
        assertEquals("hls-play", Statistics.clientType(new FakeClient(1, "hls", Client.Role.PLAY, key)));
        assertEquals("srt-publish", Statistics.clientType(new FakeClient(1, "srt", Client.Role.PUBLISH, key)));
    }

    @Test
    void urlsAsSrsWritesThem() {
        assertEquals("/live/cam", Statistics.streamUrl(StreamKey.of("live", "cam")));
        assertEquals("example.com/live/cam", Statistics.streamUrl(new StreamKey("example.com", "live", "cam")));
        FakeClient rtmp = new FakeClient(1, "rtmp", Client.Role.PLAY, StreamKey.of("live", "cam"));
        assertEquals("rtmp://example.com/live", Statistics.tcUrl(rtmp));
        Client flv = new FakeClient(1, "flv", Client.Role.PLAY, StreamKey.of("live", "cam")) {
            @Override
            public String url() {
                return "http://example.com:8080/live/cam.flv?token=1";
            }
        };
        assertEquals("http://example.com:8080/live", Statistics.tcUrl(flv));
    }

    @Test
    void ratesAreOverTheLastThirtySeconds() {
        Rates rates = new Rates();
        long t0 = 1_000_000;
        // First answer: the average since the counters started (1 MB in 10 s = 800 kbps).
        assertArrayEquals(new long[]{800, 0}, rates.kbps("a", t0, t0 + 10_000, 1_000_000, 0));
        // 20 s later another 1 MB: since start 2 MB / 30 s.
        assertArrayEquals(new long[]{533, 0}, rates.kbps("a", t0, t0 + 30_000, 2_000_000, 0));
        // 40 s after the start the base is the sample of t0+10s: 3 MB - 1 MB over 30 s.
        assertArrayEquals(new long[]{533, 0}, rates.kbps("a", t0, t0 + 40_000, 3_000_000, 0));
        // Idle for 31 s: the window holds the last sample only, nothing new came in.
        assertArrayEquals(new long[]{0, 0}, rates.kbps("a", t0, t0 + 71_000, 3_000_000, 0));
        // A counter that went back (a client left) is 0, not negative.
        assertArrayEquals(new long[]{0, 0}, rates.kbps("a", t0, t0 + 80_000, 100, 0));
        assertEquals(1, rates.size());
        rates.retain(Set.of("b"));
        assertEquals(0, rates.size());
    }

    @Test
    void versionFromTheProjectVersion() {
        assertEquals("0.1.0", HttpApi.Version.parse("0.1.0-SNAPSHOT").toString());
        assertEquals(new HttpApi.Version(6, 0, 12), HttpApi.Version.parse("6.0.12"));
        assertEquals(new HttpApi.Version(1, 2, 0), HttpApi.Version.parse("1.2"));
    }
}
