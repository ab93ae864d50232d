package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.fluvia.codec.flv.FlvReader;
import org.fluvia.codec.flv.FlvTag;
import org.fluvia.codec.ts.TsMuxer;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.testkit.Ffmpeg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real MPEG-TS muxer behind the segmenter, fed with the tags of an FLV file ffmpeg made. */
class TsSegmentsTest {

    @TempDir
    static Path dir;
    private static ByteBuf flv;

    @BeforeAll
    static void makeFlv() throws Exception {
        Path file = dir.resolve("in.flv");
        Process p = Ffmpeg.start(dir.resolve("ffmpeg.log"), "ffmpeg", "-hide_banner", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", "24", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", file.toString());
        assertEquals(0, Ffmpeg.waitFor(p, 60), Ffmpeg.read(dir.resolve("ffmpeg.log")));
        flv = Unpooled.wrappedBuffer(Files.readAllBytes(file));
    }

    @AfterAll
    static void release() {
        flv.release();
    }

    /** The file's audio and video tags as hub messages (the caller releases them). */
    private static List<MediaMessage> messages() {
        List<MediaMessage> out = new ArrayList<>();
        for (FlvTag t : FlvReader.readAll(flv)) {
            MediaType type = MediaType.ofTypeId(t.type());
            if (type == MediaType.AUDIO || type == MediaType.VIDEO) {
                out.add(MediaMessage.of(type, t.timestamp(), t.body().retain()));
            }
            t.release();
        }
        return out;
    }

    private static Map<Long, byte[]> segments(List<MediaMessage> input) {
        Map<Long, byte[]> out = new TreeMap<>();
        Segmenter s = new Segmenter("ts", Media.settings(2, 60, null, Map.of()), new TsSegmentEncoder(), ByteBufAllocator.DEFAULT,
                (seq, start, duration, discontinuity, data) -> {
                    out.put(seq, ByteBufUtil.getBytes(data));
                    data.release();
                });
        s.publish();
        Media.feed(s, input);
        s.unpublish();
        return out;
    }

    @Test
    void aMuxerThatJoinsAt15sWritesByteIdenticalSegmentsFromTheNextBoundary() {
        Map<Long, byte[]> early = segments(messages());

        List<MediaMessage> all = messages();
        List<MediaMessage> joined = new ArrayList<>();
        int i = 0;
        for (; i < all.size(); i++) {
            MediaMessage m = all.get(i);
            if (m.timestamp() >= 15_000 && m.isVideoKeyframe()) {
                break;
            }
            if (m.isSequenceHeader()) {
                joined.add(m); // what the hub replays to a late joiner: the headers, then the GOP cache
            } else {
                m.release();
            }
        }
        joined.addAll(all.subList(i, all.size()));
        Map<Long, byte[]> late = segments(joined);

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), List.copyOf(early.keySet()));
        assertEquals(List.of(8L, 9L, 10L, 11L), List.copyOf(late.keySet()), "15 s is inside slot 7: the late muxer starts at 16 s");
        for (long seq : late.keySet()) {
            assertArrayEquals(early.get(seq), late.get(seq), "segment " + seq);
        }
        for (byte[] seg : early.values()) {
            assertEquals(0, seg.length % TsMuxer.PACKET_SIZE);
            assertEquals(0x47, seg[0]);
            assertTrue(seg.length > 10 * TsMuxer.PACKET_SIZE);
        }
    }
}
