package org.fluvia.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    private static ByteBuf video(int first, int packetType) {
        return Unpooled.wrappedBuffer(new byte[] {(byte) first, (byte) packetType, 0, 0, 0, 1, 2, 3});
    }

    @Test
    void latencyIsSampledOnlyForFramesSentAfterTheFirstFrameArrived() {
        SendTimes sent = new SendTimes();
        LoadRun run = new LoadRun(sent);
        run.windowStarts(110_000_000L);
        run.windowEnds(112_500_000L);
        ClientStats c = new ClientStats(ClientStats.Kind.RTMP, 0, 0, 0);
        sent.put(0, 0, 1_000_000L);    // GOP-cache frames, sent long before the player joined
        sent.put(0, 40, 2_000_000L);
        sent.put(0, 80, 100_000_000L); // sent after the first frame arrived

        c.onVideo(0, video(0x17, 0), 50_000_000L, run);   // sequence header: not a frame
        c.onVideo(0, video(0x17, 1), 51_000_000L, run);   // first frame (keyframe)
        c.onVideo(40, video(0x27, 1), 52_000_000L, run);  // burst: not sampled
        c.onVideo(80, video(0x27, 1), 112_000_000L, run); // 12 ms after it was sent
        c.onVideo(60, video(0x27, 1), 113_000_000L, run); // regression, unmatched

        assertEquals(4, c.videoFrames);
        assertEquals(51_000_000L, c.firstKeyNanos);
        assertEquals(1, run.latency().count());
        assertEquals(12.0, run.latency().percentile(50));
        assertEquals(1, run.windowLatency().count(), "received in the measured window");
        assertEquals(1, c.regressions);
        assertEquals(1, c.unmatched);
        assertNull(c.failure());
    }

    @Test
    void onlyFramesReceivedInTheMeasuredWindowCountInItsLatency() {
        LoadRun run = new LoadRun(new SendTimes());
        run.recordLatency(0, 30_000_000L);           // before the window
        run.windowStarts(100_000_000L);
        run.recordLatency(80_000_000L, 100_000_000L); // at its start: in
        run.recordLatency(150_000_000L, 160_000_000L);
        run.windowEnds(200_000_000L);
        run.recordLatency(150_000_000L, 200_000_000L); // at its end: out
        assertEquals(4, run.latency().count());
        assertEquals(2, run.windowLatency().count());
        assertEquals(20.0, run.windowLatency().percentile(100));
    }

    @Test
    void aGapOverTwoSecondsIsAStallAndAStallFailsTheClient() {
        ClientStats c = new ClientStats(ClientStats.Kind.FLV, 0, 0, 0);
        c.onVideo(0, video(0x17, 1), 1_000_000_000L, new LoadRun(null));
        c.onMedia(2_500_000_000L);
        assertNull(c.failure());
        c.onMedia(5_000_000_000L);
        assertEquals(1, c.stalls);
        assertEquals("stalled", c.failure());
        assertEquals("no keyframe", new ClientStats(ClientStats.Kind.RTMP, 1, 0, 0).failure());
    }

    @Test
    void percentilesAreNearestRank() {
        assertEquals(2.0, Percentiles.of(new double[] {4, 1, -1, 3, 2}, 50));
        assertEquals(4.0, Percentiles.of(new double[] {4, 1, 3, 2}, 95));
        assertEquals(-1.0, Percentiles.of(new double[] {-1}, 50));
        Histogram h = new Histogram();
        for (int i = 1; i <= 100; i++) {
            h.recordNanos(i * 1_000_000L);
        }
        assertEquals(50.0, h.percentile(50));
        assertEquals(99.0, h.percentile(99));
        assertEquals(" 0:0.0 1:1.0 2:1.0", h.shares(2));
        Histogram fine = new Histogram();
        fine.recordNanos(50_749_000L);
        assertEquals(50.7, fine.percentile(95), "a tenth of a millisecond: 50.7 is not 50");
    }

    @Test
    void hlsPlaylistAndProcStatParsing() {
        HlsPoller.Playlist p = HlsPoller.Playlist.parse("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\r\n"
                + "#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2.000,\nbench-7.ts\n#EXTINF:2.000,\nbench-8.ts\n");
        assertEquals(2.0, p.targetDuration());
        assertEquals(List.of("bench-7.ts", "bench-8.ts"), p.segments());
        HlsPoller poller = new HlsPoller(null, null, "h", "/live/bench.m3u8");
        assertEquals("/live/bench-7.ts", poller.resolve("bench-7.ts"));
        assertEquals("/x/y.ts", poller.resolve("http://127.0.0.1:8080/x/y.ts"));
        assertEquals(1234 + 56, ProcSampler.parseCpuTicks(
                "42 (java (x) y) S 1 42 42 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 30 0 500 0 0"));
    }

    @Test
    void writeCallsCountThisProcessWrites() throws Exception {
        ProcSampler self = new ProcSampler(java.util.List.of((int) ProcessHandle.current().pid()), 100);
        long before = self.writeCalls();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("syscw", ".bin");
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toFile())) {
            for (int i = 0; i < 100; i++) {
                out.write(i); // unbuffered: one write(2) each
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        assertTrue(before >= 0, "readable on Linux");
        assertTrue(self.writeCalls() - before >= 100, "every write counted");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L),
                java.util.Arrays.stream(ProcSampler.parseMachineTicks("cpu  1 2 3 4 5 6 7 8 0 0")).boxed().toList());
    }
}
