package org.fluvia.rtmp.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfException;
import org.fluvia.codec.flv.FlvReader;
import org.fluvia.codec.flv.FlvTag;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.testkit.Ffmpeg;
import org.fluvia.testkit.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against nginx-rtmp, an independent implementation, with real ffmpeg on the other side. */
class NginxRtmpInteropTest {

    @TempDir
    Path dir;

    private NginxRtmp nginx;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void startNginx() throws Exception {
        nginx = NginxRtmp.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
        if (nginx != null) {
            nginx.close();
        }
        Leaks.assertNoLeakReported();
    }

    /** What the test keeps of one received message; the message itself is released at once. */
    record Received(MediaType type, int timestamp, int flags, String scriptName, Map<?, ?> scriptData) {
        boolean is(int flag) {
            return (flags & flag) != 0;
        }
    }

    /** Records what a play session receives and releases every message. */
    static final class Recorder implements MediaListener {
        final List<Received> media = Collections.synchronizedList(new ArrayList<>());
        final List<String> statuses = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override
        public void onMedia(MediaMessage m) {
            try {
                String name = null;
                Map<?, ?> data = null;
                if (m.type() == MediaType.DATA) {
                    try {
                        List<Object> values = Amf0.readAll(m.payload().duplicate());
                        name = String.valueOf(values.get(0));
                        data = values.size() > 1 && values.get(1) instanceof Map<?, ?> map ? map : null;
                    } catch (AmfException e) {
                        name = "unreadable AMF0: " + e.getMessage();
                    }
                }
                media.add(new Received(m.type(), m.timestamp(), m.flags(), name, data));
            } finally {
                m.release();
            }
        }

        @Override
        public void onStatus(String code, String description) {
            statuses.add(code);
        }

        @Override
        public void onClosed(Throwable cause) {
            closed.complete(cause);
        }

        List<Received> snapshot() {
            synchronized (media) {
                return new ArrayList<>(media);
            }
        }
    }

    @Test
    void playsFfmpegStreamFromNginxWithHeadersBeforeFramesAndKeyframesAtGopRate() throws Exception {
        processes.add(Ffmpeg.start(dir.resolve("publish.log"), "ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=sample_rate=44100",
                "-t", "15", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-f", "flv", nginx.url("live/s")));
        nginx.awaitLog("publish: name='s'", 10_000);

        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Recorder player = new Recorder();
        try {
            RtmpClientSession session = new RtmpClient(group, NioSocketChannel.class)
                    .play(nginx.url("live/s"), player).get(10, TimeUnit.SECONDS);
            Thread.sleep(6000);
            assertFalse(session.closeFuture().isDone(), "nginx dropped the player: " + player.closed + "\n" + nginx.errorLog());
            session.close();
            assertEquals(null, player.closed.get(5, TimeUnit.SECONDS), "an orderly close reports no cause");
            session.closeFuture().get(5, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        List<Received> got = player.snapshot();
        assertTrue(player.statuses.contains("NetStream.Play.Start"), "statuses " + player.statuses);
        List<Received> audio = got.stream().filter(r -> r.type() == MediaType.AUDIO).toList();
        List<Received> video = got.stream().filter(r -> r.type() == MediaType.VIDEO).toList();
        assertTrue(audio.size() >= 100, "audio messages in 6 s: " + audio.size());
        assertTrue(video.size() >= 100, "video messages in 6 s: " + video.size());

        // nginx-rtmp sends the publisher's metadata, then each track's cached sequence header just
        // before that track's first frame.
        assertEquals("onMetaData", got.get(0).scriptName(), "metadata comes first: " + got.get(0));
        for (List<Received> track : List.of(audio, video)) {
            assertTrue(track.get(0).is(MediaMessage.SEQUENCE_HEADER), "sequence header before the first frame: " + track.get(0));
            assertEquals(1, track.stream().filter(r -> r.is(MediaMessage.SEQUENCE_HEADER)).count(), "one sequence header per track");
            assertTrue(got.indexOf(track.get(0)) < got.indexOf(track.get(1)), "header delivered before the frame");
        }
        for (Received r : got) {
            if (r.type() == MediaType.DATA) {
                assertEquals("onMetaData", r.scriptName(), "only metadata reaches the listener: " + r);
                assertTrue(r.is(MediaMessage.METADATA), "metadata is flagged: " + r);
            }
        }

        List<Received> frames = video.stream().filter(r -> !r.is(MediaMessage.SEQUENCE_HEADER)).toList();
        for (int i = 1; i < video.size(); i++) {
            assertTrue(video.get(i).timestamp() >= video.get(i - 1).timestamp(),
                    "video timestamps go back at " + i + ": " + video.get(i - 1) + " then " + video.get(i));
        }
        List<Integer> keyTimes = frames.stream().filter(r -> r.is(MediaMessage.KEYFRAME)).map(Received::timestamp).toList();
        // Without wait_key nginx-rtmp starts a late player mid-GOP, so the first frame need not be a
        // keyframe; the keyframes that follow must come every 50 frames (2 s at 25 fps).
        assertTrue(keyTimes.size() >= 2, "keyframes in 6 s of a 2 s GOP: " + keyTimes);
        for (int i = 1; i < keyTimes.size(); i++) {
            int gap = keyTimes.get(i) - keyTimes.get(i - 1);
            assertTrue(Math.abs(gap - 2000) <= 100, "keyframe interval " + gap + " ms, expected 2000: " + keyTimes);
        }
        int span = frames.get(frames.size() - 1).timestamp() - frames.get(0).timestamp();
        assertTrue(span >= 4000 && span <= 8000, "6 s of playing spans " + span + " ms of video");
    }

    @Test
    void publishesFlvFileToNginxSoThatFfmpegRecordsH264AndAac() throws Exception {
        Path fixture = dir.resolve("fixture.flv");
        Process gen = Ffmpeg.start(dir.resolve("fixture.log"), "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=sample_rate=44100",
                "-t", "8", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-f", "flv", fixture.toString());
        assertEquals(0, Ffmpeg.waitFor(gen, 60), () -> "ffmpeg could not write the fixture: " + read(dir.resolve("fixture.log")));

        ByteBuf file = Unpooled.wrappedBuffer(Files.readAllBytes(fixture));
        List<FlvTag> tags = FlvReader.readAll(file);
        int next = 0;
        RtmpClientSession session = null;
        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Path out = dir.resolve("out.flv");
        Path recordLog = dir.resolve("record.log");
        Recorder player = new Recorder();
        try {
            assertEquals(MediaType.DATA.typeId(), tags.get(0).type(), "ffmpeg writes onMetaData first");
            // The recorder waits on the idle stream, so it gets it from the first keyframe on.
            Process recorder = Ffmpeg.start(recordLog, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-rw_timeout", "15000000", "-i", nginx.url("live/p"), "-t", "4", "-c", "copy", "-f", "flv", out.toString());
            processes.add(recorder);
            nginx.awaitLog("play: name='p'", 10_000);
            // And so does a player of our own, which sees what nginx made of the metadata we sent.
            RtmpClientSession playing = new RtmpClient(group, NioSocketChannel.class)
                    .play(nginx.url("live/p"), player).get(10, TimeUnit.SECONDS);
            session = new RtmpClient(group, NioSocketChannel.class)
                    .publish(nginx.url("live/p")).get(10, TimeUnit.SECONDS);

            long start = System.nanoTime();
            for (; next < tags.size(); next++) {
                FlvTag tag = tags.get(next);
                long due = start + TimeUnit.MILLISECONDS.toNanos(tag.timestamp());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                MediaType type = MediaType.ofTypeId(tag.type());
                // send() takes ownership of the tag's body reference.
                MediaMessage m = type == MediaType.DATA
                        ? MediaMessage.of(type, 0, MediaMessage.METADATA, tag.body())
                        : MediaMessage.of(type, tag.timestamp(), tag.body());
                assertTrue(type != MediaType.DATA || next == 0, "the only script tag is the metadata");
                session.send(m);
            }
            assertEquals(0, Ffmpeg.waitFor(recorder, 20), () -> "ffmpeg recording from nginx failed: " + read(recordLog));
            assertFalse(session.closeFuture().isDone(), "nginx kept the publisher connected: " + session.closeFuture());
            session.close();
            session.closeFuture().get(5, TimeUnit.SECONDS);
            playing.close();
            playing.closeFuture().get(5, TimeUnit.SECONDS);
        } finally {
            for (int i = next; i < tags.size(); i++) {
                tags.get(i).release();
            }
            file.release();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        // send() owns what it is given even after its event loop is gone.
        MediaMessage late = MediaMessage.of(MediaType.AUDIO, 9000, Unpooled.wrappedBuffer(new byte[]{(byte) 0xAF, 1, 0}));
        session.send(late);
        assertEquals(0, late.refCnt(), "a message sent after shutdown is released");

        assertEquals(List.of("aac", "h264"), codecs(out), "streams of what ffmpeg recorded");
        List<Received> played = player.snapshot();
        // nginx-rtmp parses @setDataFrame and sends players an onMetaData of its own making.
        Received meta = played.get(0);
        assertEquals("onMetaData", meta.scriptName(), "first played message: " + meta);
        assertEquals(320.0, ((Number) meta.scriptData().get("width")).doubleValue(), "width from our metadata: " + meta.scriptData());
        assertTrue(played.stream().filter(r -> r.type() == MediaType.VIDEO).count() >= 150, "our player got the video too");
        List<Double> videoTimes = new ArrayList<>();
        int audioPackets = 0;
        for (String line : probe(out, "-show_entries", "packet=codec_type,dts_time", "-of", "csv=p=0")) {
            String[] f = line.split(",");
            if (f.length == 2 && !f[1].equals("N/A")) {
                if (f[0].equals("video")) {
                    videoTimes.add(Double.parseDouble(f[1]));
                } else if (f[0].equals("audio")) {
                    audioPackets++;
                }
            }
        }
        assertTrue(videoTimes.size() >= 80, "video packets in 4 s at 25 fps: " + videoTimes.size());
        assertTrue(audioPackets >= 120, "audio packets in 4 s at 43/s: " + audioPackets);
        double span = videoTimes.get(videoTimes.size() - 1) - videoTimes.get(0);
        assertTrue(span >= 3.5 && span <= 4.5, "recorded video spans " + span + " s, expected ~4");
    }

    @Test
    void refusedPublishAndPlayFailWithinTheTimeoutInsteadOfHanging() throws Exception {
        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        RtmpClient client = new RtmpClient(group, NioSocketChannel.class, Duration.ofSeconds(3), Duration.ofSeconds(5));
        try {
            long t0 = System.nanoTime();
            ExecutionException missingApp = assertThrows(ExecutionException.class,
                    () -> client.publish(nginx.url("nope/x")).get(7, TimeUnit.SECONDS));
            // nginx-rtmp answers an unknown application by closing the connection, without a status.
            assertTrue(missingApp.getCause().getMessage().contains("during CONNECT"), "names the step: " + missingApp.getCause());

            Recorder player = new Recorder();
            CompletableFuture<RtmpClientSession> play = client.play(nginx.url("nope/x"), player);
            ExecutionException missingPlay = assertThrows(ExecutionException.class, () -> play.get(7, TimeUnit.SECONDS));
            assertTrue(missingPlay.getCause().getMessage().contains("during CONNECT"), "names the step: " + missingPlay.getCause());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "refusals do not wait for the command timeout");
            assertTrue(player.media.isEmpty(), "nothing played from a missing application");

            RtmpClientSession first = client.publish(nginx.url("live/busy")).get(10, TimeUnit.SECONDS);
            ExecutionException busy = assertThrows(ExecutionException.class,
                    () -> client.publish(nginx.url("live/busy")).get(7, TimeUnit.SECONDS));
            assertTrue(busy.getCause().getMessage().contains("NetStream.Publish.BadName"), "names the status: " + busy.getCause());
            assertFalse(first.closeFuture().isDone(), "the first publisher is unaffected");
            first.close();
            first.closeFuture().get(5, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    static List<String> probe(Path file, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        cmd.addAll(List.of(args));
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (Ffmpeg.waitFor(p, 30) != 0) {
            throw new AssertionError("ffprobe failed on " + file + ": " + out);
        }
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    static List<String> codecs(Path file) throws IOException, InterruptedException {
        List<String> codecs = new ArrayList<>();
        for (String line : probe(file, "-show_entries", "stream=codec_name", "-of", "csv=p=0")) {
            codecs.add(line.replace(",", ""));
        }
        codecs.sort(null);
        return codecs;
    }
}
