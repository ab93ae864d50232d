package org.fluvia.bench.jmh;

import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.Command;
import org.fluvia.codec.rtmp.RtmpMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** AMF0 decoding of the command every connection starts with: a player's {@code connect}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class AmfBenchmark {

    private RtmpMessage connect;

    @Setup
    public void setUp() {
        AmfObject object = AmfObject.of("app", "live", "flashVer", "LNX 9,0,124,2", "swfUrl", "",
                "tcUrl", "rtmp://127.0.0.1:1935/live", "fpad", false, "capabilities", 239.0, "audioCodecs", 3575.0,
                "videoCodecs", 252.0, "videoFunction", 1.0, "pageUrl", "", "objectEncoding", 0.0);
        connect = new Command("connect", 1, object, List.of()).toMessage(PooledByteBufAllocator.DEFAULT, 3, 0);
    }

    @TearDown
    public void tearDown() {
        connect.release();
    }

    @Benchmark
    public Command decodeConnect() {
        return Command.decode(connect);
    }
}
