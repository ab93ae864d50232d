package org.fluvia.hls.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlaylistTest {

    private static Segment seg(long seq, long durationMs, boolean discontinuity) {
        return new Segment(seq, seq * 2000, durationMs, discontinuity, "s-" + seq + ".ts", "live/s-" + seq + ".ts");
    }

    @Test
    void keepsTheNewestSegmentsWhoseDurationsFitTheWindow() {
        Playlist p = new Playlist(10_000);
        for (long i = 0; i < 6; i++) {
            p.add(seg(i, 2000, false));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), p.segments().stream().map(Segment::seq).toList());
        p.add(seg(6, 2500, false));
        assertEquals(List.of(3L, 4L, 5L, 6L), p.segments().stream().map(Segment::seq).toList(), "8.5 s fits, 10.5 s does not");
    }

    @Test
    void keepsOneSegmentEvenWhenItIsLongerThanTheWindow() {
        Playlist p = new Playlist(1000);
        p.add(seg(0, 5000, false));
        p.add(seg(1, 5000, false));
        assertEquals(List.of(1L), p.segments().stream().map(Segment::seq).toList());
    }

    @Test
    void segmentsThatLeftTheWindowExpireOneSegmentLater() {
        Playlist p = new Playlist(4000);
        assertEquals(List.of(), p.add(seg(0, 2000, false)));
        assertEquals(List.of(), p.add(seg(1, 2000, false)));
        assertEquals(List.of(), p.add(seg(2, 2000, false)), "0 leaves the window now but stays on disk for slow players");
        assertEquals(List.of(0L), p.add(seg(3, 2000, false)).stream().map(Segment::seq).toList());
        assertEquals(List.of(1L, 2L, 3L), p.allFiles().stream().map(Segment::seq).toList());
    }

    @Test
    void rendersAVersion3PlaylistWithDiscontinuities() {
        Playlist p = new Playlist(60_000);
        p.add(seg(7, 2000, false));
        p.add(seg(8, 1234, false));
        p.add(seg(9, 2040, true));
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:3
                #EXT-X-MEDIA-SEQUENCE:7
                #EXTINF:2.000,
                s-7.ts
                #EXTINF:1.234,
                s-8.ts
                #EXT-X-DISCONTINUITY
                #EXTINF:2.040,
                s-9.ts
                """, p.render());
    }

    @Test
    void theTargetDurationNeverShrinks() {
        Playlist p = new Playlist(4000);
        p.add(seg(0, 3500, false));
        for (long i = 1; i < 5; i++) {
            p.add(seg(i, 1005, false));
        }
        assertTrue(p.segments().stream().allMatch(s -> s.durationMs() == 1005));
        assertEquals(4, p.targetDurationSeconds());
    }
}
