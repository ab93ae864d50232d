package org.fluvia.hls.internal;

import io.netty.buffer.ByteBufAllocator;
import org.fluvia.media.api.MediaMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmenterTest {

    private final Media.Cuts cuts = new Media.Cuts();

    private Segmenter segmenter(double fragmentS, Map<String, Object> more) {
        return new Segmenter("test/stream", Media.settings(fragmentS, 60, null, more), new Media.TextEncoder(),
                ByteBufAllocator.DEFAULT, cuts);
    }

    @Test
    void cutsAtTheFirstKeyframeAtOrAfterEachMultipleOfTheFragment() {
        Segmenter s = segmenter(10, Map.of());
        s.publish();
        Media.feed(s, Media.stream(40_000, 3000)); // keyframes at 0, 3, 6, 9, 12, ... 39 s
        s.unpublish();

        assertEquals(List.of(0L, 12_000L, 21_000L, 30_000L), cuts.starts());
        assertEquals(List.of(0L, 1L, 2L, 3L), cuts.seqs());
        assertEquals(List.of(12_000L, 9000L, 9000L), cuts.cuts.subList(0, 3).stream().map(Media.Cut::durationMs).toList());
        // The last segment ends one frame after its last frame (39.96 s + 40 ms).
        assertEquals(10_000L, cuts.cuts.get(3).durationMs());
        for (Media.Cut c : cuts.cuts) {
            assertTrue(c.text().startsWith("tables\nV key@" + c.startMs() + "\n"), "segment starts with tables and its keyframe: " + c);
        }
    }

    @Test
    void aChangedFragmentAppliesFromTheNextBoundaryAndTheNumberingContinues() {
        Segmenter s = segmenter(2, Map.of());
        s.publish();
        Media.feed(s, Media.stream(5000, 1000)); // segments 0 [0,2) and 1 [2,4) closed; 2 open at 4 s
        s.settings(Media.settings(4, 60, null, Map.of()));
        assertEquals(2000, s.fragmentMs(), "the open segment keeps its rule");
        Media.feed(s, Media.frames(5000, 21_000, 1000));
        // 2 is cut by the old rule at 6 s; 3 opens at 6 s on the 4 s grid (slot 1 ends at 8 s); then 4 s each.
        assertEquals(List.of(0L, 2000L, 4000L, 6000L, 8000L, 12_000L, 16_000L), cuts.starts());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), cuts.seqs());
        assertEquals(4000, s.fragmentMs());

        // Shorter again while 7 [20, 24) is open: it still ends at 24 s; then 1 s each, and no jump to
        // floor(24 s / 1 s) = 24: the numbers continue.
        s.settings(Media.settings(1, 60, null, Map.of()));
        Media.feed(s, Media.frames(21_000, 27_000, 1000));
        s.unpublish();
        assertEquals(List.of(0L, 2000L, 4000L, 6000L, 8000L, 12_000L, 16_000L, 20_000L, 24_000L, 25_000L, 26_000L),
                cuts.starts());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), cuts.seqs());
        assertEquals(4000L, cuts.cuts.get(7).durationMs());
    }

    @Test
    void settingsChangedWithNoSegmentOpenApplyAtOnce() {
        Segmenter s = segmenter(2, Map.of());
        s.settings(Media.settings(3, 60, null, Map.of()));
        assertEquals(3000, s.fragmentMs());
        s.publish();
        Media.feed(s, Media.stream(7000, 1000));
        s.unpublish();
        assertEquals(List.of(0L, 3000L, 6000L), cuts.starts());
        assertEquals(List.of(0L, 1L, 2L), cuts.seqs());
    }

    @Test
    void aMuxerThatJoinsMidStreamCutsTheSameSegmentsFromTheNextBoundary() {
        Segmenter early = segmenter(10, Map.of());
        early.publish();
        Media.feed(early, Media.stream(60_000, 3000));
        early.unpublish();

        Media.Cuts lateCuts = new Media.Cuts();
        Segmenter late = new Segmenter("late", Media.settings(10, 60, null, Map.of()), new Media.TextEncoder(),
                ByteBufAllocator.DEFAULT, lateCuts);
        late.publish();
        List<MediaMessage> all = Media.stream(60_000, 3000);
        // What a late joiner gets: the sequence headers, then the GOP cache from the keyframe at 15 s.
        List<MediaMessage> joined = new java.util.ArrayList<>(all.subList(0, 2));
        int from = 2;
        while (all.get(from).timestamp() < 15_000 || !all.get(from).isVideoKeyframe()) {
            from++;
        }
        joined.addAll(all.subList(from, all.size()));
        Media.release(all.subList(2, from));
        Media.feed(late, joined);
        late.unpublish();

        assertEquals(21_000L, lateCuts.starts().get(0), "the late muxer starts at the first boundary after it joined");
        List<Media.Cut> overlap = cuts.cuts.stream().filter(c -> c.seq() >= 2).toList();
        assertEquals(overlap, lateCuts.cuts, "same names, boundaries, durations and bytes");
    }

    @Test
    void audioOnlyStreamsAreCutOnAudioFrames() {
        Segmenter s = segmenter(2, Map.of());
        s.publish();
        List<MediaMessage> audio = new java.util.ArrayList<>();
        audio.add(Media.audioHeader(0));
        for (int t = 0; t < 7000; t += 23) {
            audio.add(Media.audio(t));
        }
        Media.feed(s, audio);
        s.unpublish();

        assertEquals(List.of(0L, 1L, 2L, 3L), cuts.seqs());
        assertEquals(List.of(0L, 2001L, 4002L, 6003L), cuts.starts()); // the first 23 ms frame at/after each 2 s
    }

    @Test
    void aGopLongerThanTheFragmentSkipsSequenceNumbersButKeepsThemOnTheTimeline() {
        Segmenter s = segmenter(2, Map.of());
        s.publish();
        Media.feed(s, Media.stream(21_000, 5000));
        s.unpublish();

        assertEquals(List.of(0L, 2L, 5L, 7L, 10L), cuts.seqs());
        assertEquals(List.of(5000L, 5000L, 5000L, 5000L), cuts.cuts.subList(0, 4).stream().map(Media.Cut::durationMs).toList());
    }

    @Test
    void aRepublishMarksADiscontinuityAndNeverReusesANameWhenTheTimelineRestarts() {
        Segmenter s = segmenter(2, Map.of());
        s.publish();
        Media.feed(s, Media.stream(6000, 1000));
        s.unpublish();
        s.publish();
        Media.feed(s, Media.stream(5000, 1000)); // the hub restarts a new publication's timeline at 0
        s.unpublish();

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), cuts.seqs());
        assertEquals(List.of(false, false, false, true, false, false), cuts.cuts.stream().map(Media.Cut::discontinuity).toList());
        assertEquals(0L, cuts.cuts.get(3).startMs());
        assertEquals(2000L, cuts.cuts.get(2).durationMs(), "closed at unpublish: last frame 5.96 s + 40 ms - 4 s");
    }

    @Test
    void aRepublishThatContinuesTheTimelineKeepsTheTimelineSequenceNumbers() {
        Segmenter s = segmenter(2, Map.of());
        s.publish();
        List<MediaMessage> all = Media.stream(12_000, 1000);
        all.subList(0, 2).forEach(MediaMessage::retain); // the sequence headers are sent again after the reconnect
        Media.feed(s, all.subList(0, all.size() / 2));
        s.unpublish();
        s.publish(); // an edge whose pull reconnected: the origin's timeline goes on
        Media.feed(s, all.subList(0, 2));
        Media.feed(s, all.subList(all.size() / 2, all.size()));
        s.unpublish();

        assertEquals(List.of(0L, 1L, 2L, 4L, 5L), cuts.seqs(), "6 s is not a boundary for a muxer that just (re)joined");
        assertTrue(cuts.cuts.get(3).discontinuity());
    }

    @Test
    void withoutWaitKeyframeALongSegmentIsCutAtAnyFrame() {
        Segmenter s = segmenter(2, Map.of("hls__wait__keyframe", false));
        s.publish();
        Media.feed(s, Media.stream(10_000, 8000));
        s.unpublish();

        // 2 s * 1.5: a segment is cut at the first frame 3 s after its start, keyframe or not.
        assertEquals(List.of(0L, 3000L, 6000L, 8000L), cuts.starts());
        assertEquals(List.of(0L, 1L, 3L, 4L), cuts.seqs());
    }

    @Test
    void withWaitKeyframeALongGopMakesALongSegment() {
        Segmenter s = segmenter(2, Map.of());
        s.publish();
        Media.feed(s, Media.stream(10_000, 8000));
        s.unpublish();

        assertEquals(List.of(0L, 8000L), cuts.starts());
    }

    @Test
    void framesTheEncoderRefusesAreSkippedAndTheStreamGoesOn() {
        Media.TextEncoder failing = new Media.TextEncoder() {
            @Override
            public void writeVideo(io.netty.buffer.ByteBuf out, int timestampMs, io.netty.buffer.ByteBuf body) {
                if (timestampMs == 2040) {
                    out.writeByte('x'); // half-written: must be rolled back
                    throw new IllegalArgumentException("broken frame");
                }
                super.writeVideo(out, timestampMs, body);
            }
        };
        Segmenter s = new Segmenter("test", Media.settings(2, 60, null, Map.of()), failing, ByteBufAllocator.DEFAULT, cuts);
        s.publish();
        Media.feed(s, Media.stream(4000, 1000));
        s.unpublish();

        assertEquals(1, s.encoderErrors());
        assertEquals(2, cuts.cuts.size());
        assertFalse(cuts.cuts.get(1).text().contains("inter@2040") || cuts.cuts.get(1).text().contains("x"));
        assertTrue(cuts.cuts.get(1).text().contains("inter@2080"));
    }
}
