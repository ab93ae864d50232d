package org.fluvia.codec.ts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fluvia.codec.flv.FlvAudio;
import org.fluvia.codec.flv.FlvReader;
import org.fluvia.codec.flv.FlvTag;
import org.fluvia.codec.flv.FlvTags;
import org.fluvia.codec.flv.FlvVideo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Muxes FLV files made by ffmpeg/libx264/aac and checks the transport streams with ffprobe and ffmpeg. */
class TsMuxerFfprobeTest {
    private static final String TESTSRC = "testsrc=size=320x240:rate=25";
    private static final String SINE = "sine=sample_rate=44100";

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private Result run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Path ffmpeg(String name, String... args) throws Exception {
        Path flv = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        command.addAll(List.of(args));
        command.addAll(List.of("-f", "flv", flv.toString()));
        Result r = run(command.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return flv;
    }

    /** Frame counts of the FLV and the muxed transport stream. */
    private record Muxed(int videoFrames, int audioFrames, byte[] ts) {
    }

    /** Muxes every tag of the FLV the way a segmenter would for one segment: reset, tables, then the media. */
    private static Muxed mux(Path flv) throws IOException {
        return mux(flv, new TsMuxer());
    }

    private static Muxed mux(Path flv, TsMuxer muxer) throws IOException {
        ByteBuf file = Unpooled.wrappedBuffer(Files.readAllBytes(flv));
        List<FlvTag> tags = FlvReader.readAll(file);
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            for (FlvTag tag : tags) {
                if (tag.type() == FlvTags.VIDEO && FlvVideo.isSequenceHeader(tag.body())) {
                    muxer.setVideoConfig(tag.body());
                } else if (tag.type() == FlvTags.AUDIO && FlvAudio.isSequenceHeader(tag.body())) {
                    muxer.setAudioConfig(tag.body());
                }
            }
            muxer.resetContinuityCounters();
            muxer.writeTables(out);
            int video = 0;
            int audio = 0;
            for (FlvTag tag : tags) {
                if (tag.type() == FlvTags.VIDEO) {
                    if (tag.body().getByte(tag.body().readerIndex() + 1) == FlvVideo.PACKET_NALU) {
                        video++;
                    }
                    muxer.writeVideo(out, tag.timestamp(), tag.body());
                } else if (tag.type() == FlvTags.AUDIO) {
                    if (!FlvAudio.isSequenceHeader(tag.body())) {
                        audio++;
                    }
                    muxer.writeAudio(out, tag.timestamp(), tag.body());
                }
            }
            return new Muxed(video, audio, ByteBufUtil.getBytes(out));
        } finally {
            out.release();
            tags.forEach(FlvTag::release);
            file.release();
        }
    }

    /** The key=value lines of each [SECTION] ... [/SECTION] block ffprobe prints in its default format. */
    private static List<Map<String, String>> sections(String output, String name) {
        List<Map<String, String>> result = new ArrayList<>();
        Map<String, String> current = null;
        for (String line : output.split("\n")) {
            if (line.equals("[" + name + "]")) {
                current = new HashMap<>();
            } else if (line.equals("[/" + name + "]")) {
                result.add(current);
                current = null;
            } else if (current != null && line.contains("=")) {
                current.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return result;
    }

    /** Runs ffprobe and a full decode; returns ffprobe's output after asserting both were silent and succeeded. */
    private String probeAndDecode(Muxed muxed) throws Exception {
        TsPackets.parse(muxed.ts());
        Path ts = dir.resolve("out.ts");
        Files.write(ts, muxed.ts());
        Result probe = run("ffprobe", "-v", "error", "-show_packets", "-show_streams", "-show_format", ts.toString());
        assertEquals(0, probe.exit(), probe.err());
        assertEquals("", probe.err(), "ffprobe reports nothing");
        Result decode = run("ffmpeg", "-v", "error", "-i", ts.toString(), "-f", "null", "-");
        assertEquals(0, decode.exit(), decode.err());
        assertEquals("", decode.err(), "ffmpeg decodes without errors");
        return probe.out();
    }

    private static long packets(String probe, String codecType) {
        return sections(probe, "PACKET").stream().filter(p -> codecType.equals(p.get("codec_type"))).count();
    }

    private static List<String> codecs(String probe) {
        return sections(probe, "STREAM").stream().map(s -> s.get("codec_name")).toList();
    }

    private static double duration(String probe) {
        return Double.parseDouble(sections(probe, "FORMAT").get(0).get("duration"));
    }

    @Test
    void videoWithBFramesAndAudioMuxIntoAStreamFfprobeAndFfmpegAccept() throws Exception {
        Path flv = ffmpeg("av.flv", "-f", "lavfi", "-i", TESTSRC, "-f", "lavfi", "-i", SINE, "-t", "4",
                "-pix_fmt", "yuv420p", "-c:v", "libx264", "-g", "25", "-bf", "2", "-c:a", "aac");
        Muxed muxed = mux(flv);
        assertTrue(muxed.videoFrames() >= 100 && muxed.audioFrames() > 150, muxed.toString());
        String probe = probeAndDecode(muxed);
        assertEquals(List.of("h264", "aac"), codecs(probe));
        assertEquals(muxed.videoFrames(), packets(probe, "video"));
        assertEquals(muxed.audioFrames(), packets(probe, "audio"));
        assertEquals(4.0, duration(probe), 0.2);
        assertTrue(sections(probe, "PACKET").stream()
                .anyMatch(p -> "video".equals(p.get("codec_type")) && !p.get("pts").equals(p.get("dts"))),
                "B-frames: some video packets have PTS != DTS");
    }

    @Test
    void audioOnlyStreamPassesFfprobe() throws Exception {
        Muxed muxed = mux(ffmpeg("a.flv", "-f", "lavfi", "-i", SINE, "-t", "2", "-c:a", "aac"));
        assertEquals(0, muxed.videoFrames());
        String probe = probeAndDecode(muxed);
        assertEquals(List.of("aac"), codecs(probe));
        assertEquals(muxed.audioFrames(), packets(probe, "audio"));
        assertEquals(2.0, duration(probe), 0.2);
    }

    @Test
    void videoOnlyStreamPassesFfprobe() throws Exception {
        Muxed muxed = mux(ffmpeg("v.flv", "-f", "lavfi", "-i", TESTSRC, "-t", "2", "-pix_fmt", "yuv420p",
                "-c:v", "libx264", "-g", "25", "-bf", "2"));
        assertEquals(0, muxed.audioFrames());
        String probe = probeAndDecode(muxed);
        assertEquals(List.of("h264"), codecs(probe));
        assertEquals(muxed.videoFrames(), packets(probe, "video"));
        assertEquals(2.0, duration(probe), 0.2);
    }

    @Test
    void muxingTheSameTagsTwiceAfterResettingCountersIsByteIdentical() throws Exception {
        Path flv = ffmpeg("d.flv", "-f", "lavfi", "-i", TESTSRC, "-f", "lavfi", "-i", SINE, "-t", "1",
                "-pix_fmt", "yuv420p", "-c:v", "libx264", "-g", "25", "-bf", "2", "-c:a", "aac");
        TsMuxer muxer = new TsMuxer();
        byte[] first = mux(flv, muxer).ts();
        byte[] second = mux(flv, muxer).ts(); // same instance: counters carried over, then reset
        byte[] fresh = mux(flv, new TsMuxer()).ts(); // another node
        assertTrue(first.length > 100 * TsMuxer.PACKET_SIZE);
        assertArrayEquals(first, second);
        assertArrayEquals(first, fresh);
    }
}
