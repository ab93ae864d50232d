package org.fluvia.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fluvia.bench.FlvFile;
import org.fluvia.codec.ts.TsMuxer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Muxing one GOP (50 video frames from a keyframe, with the audio between them) into MPEG-TS, as the
 * HLS segmenter does. The FLV comes from {@code -Dfluvia.bench.flv=FILE} (run-jmh.sh makes it with ffmpeg).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class TsMuxBenchmark {

    static final int FRAMES = 50;

    private ByteBuf videoConfig;
    private ByteBuf audioConfig;
    private final List<FlvFile.Tag> gop = new ArrayList<>();
    private ByteBuf out;

    @Setup
    public void setUp() throws IOException {
        String file = System.getProperty("fluvia.bench.flv");
        if (file == null) {
            throw new IllegalStateException("set -Dfluvia.bench.flv=FILE.flv (an H.264/AAC FLV; bench/run-jmh.sh makes one)");
        }
        int frames = 0;
        boolean started = false;
        for (FlvFile.Tag t : FlvFile.read(Path.of(file)).tags()) {
            if (t.type() == FlvFile.VIDEO && t.config()) {
                videoConfig = t.body();
            } else if (t.type() == FlvFile.AUDIO && t.config()) {
                audioConfig = t.body();
            } else if (t.type() != FlvFile.SCRIPT) {
                started |= t.type() == FlvFile.VIDEO && t.keyframe(); // the GOP starts at its keyframe
                if (!started) {
                    continue;
                }
                if (t.type() == FlvFile.VIDEO && ++frames > FRAMES) {
                    break;
                }
                gop.add(t);
            }
        }
        if (videoConfig == null || audioConfig == null || frames < FRAMES) {
            throw new IllegalStateException(file + " needs an AVC and an AAC sequence header and " + FRAMES + " video frames");
        }
        out = PooledByteBufAllocator.DEFAULT.directBuffer(4 * 1024 * 1024);
    }

    @TearDown
    public void tearDown() {
        out.release();
    }

    /** Returns the segment size in bytes. */
    @Benchmark
    public int muxGop() {
        out.clear();
        TsMuxer muxer = new TsMuxer();
        muxer.setVideoConfig(videoConfig);
        muxer.setAudioConfig(audioConfig);
        muxer.writeTables(out);
        for (FlvFile.Tag t : gop) {
            if (t.type() == FlvFile.VIDEO) {
                muxer.writeVideo(out, t.timestamp(), t.body());
            } else {
                muxer.writeAudio(out, t.timestamp(), t.body());
            }
        }
        return out.readableBytes();
    }
}
