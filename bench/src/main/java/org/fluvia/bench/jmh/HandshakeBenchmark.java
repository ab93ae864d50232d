package org.fluvia.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.fluvia.codec.rtmp.HandshakeClientHandler;
import org.fluvia.codec.rtmp.HandshakeServerHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The server's side of the digest ("complex") RTMP handshake every Flash-style client (ffmpeg, OBS)
 * starts with: check C1's digest, sign S1, derive S2. What a burst of connecting players costs before
 * their first command.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class HandshakeBenchmark {

    /** C0, a digest-form C1 as a client sends it, then a C2. */
    private byte[] c0c1c2;

    @Setup
    public void setUp() {
        EmbeddedChannel client = new EmbeddedChannel(new HandshakeClientHandler(true));
        ByteBuf c0c1 = client.readOutbound();
        c0c1c2 = new byte[c0c1.readableBytes() + 1536];
        c0c1.readBytes(c0c1c2, 0, c0c1.readableBytes());
        c0c1.release();
        client.finishAndReleaseAll();
    }

    @Benchmark
    public int serverDigestHandshake() {
        EmbeddedChannel server = new EmbeddedChannel(new HandshakeServerHandler());
        server.writeInbound(Unpooled.wrappedBuffer(c0c1c2));
        ByteBuf s0s1s2 = server.readOutbound();
        int size = s0s1s2.readableBytes();
        s0s1s2.release();
        server.finishAndReleaseAll();
        return size;
    }
}
