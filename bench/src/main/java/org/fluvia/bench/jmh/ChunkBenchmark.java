package org.fluvia.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.fluvia.codec.rtmp.ChunkDecoder;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.codec.rtmp.ProtocolControl;
import org.fluvia.codec.rtmp.RtmpMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/** RTMP chunking of a 5 KB video message: encode (what the play path does once per message) and decode (a publisher's input). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class ChunkBenchmark {

    /** Messages fed to the decoder per invocation, as one network read. */
    static final int BATCH = 10;

    @Param({"60000", "4096"})
    public int chunkSize;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf payload;
    private ByteBuf encodedBatch;
    private EmbeddedChannel decoderChannel;

    @Setup
    public void setUp() {
        byte[] body = new byte[5 * 1024];
        new Random(1).nextBytes(body);
        body[0] = 0x27; // inter frame, AVC
        body[1] = 1;    // NALU
        payload = alloc.directBuffer(body.length).writeBytes(body);
        encodedBatch = alloc.directBuffer();
        for (int i = 0; i < BATCH; i++) {
            ByteBuf one = ChunkEncoder.encode(alloc, MessageType.VIDEO, 6, 40 * i, 1, payload, chunkSize);
            encodedBatch.writeBytes(one);
            one.release();
        }
        decoderChannel = new EmbeddedChannel(new ChunkDecoder());
        RtmpMessage setChunkSize = ProtocolControl.setChunkSize(chunkSize);
        decoderChannel.writeInbound(ChunkEncoder.encode(alloc, setChunkSize.typeId(), setChunkSize.csid(), 0, 0,
                setChunkSize.payload(), ChunkEncoder.DEFAULT_CHUNK_SIZE));
        setChunkSize.release();
        RtmpMessage applied = decoderChannel.readInbound();
        applied.release();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
        encodedBatch.release();
        decoderChannel.finishAndReleaseAll();
    }

    @Benchmark
    public int encode() {
        ByteBuf out = ChunkEncoder.encode(alloc, MessageType.VIDEO, 6, 123456, 1, payload, chunkSize);
        int n = out.readableBytes();
        out.release();
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decode(Blackhole bh) {
        decoderChannel.writeInbound(encodedBatch.retainedDuplicate());
        RtmpMessage m;
        while ((m = decoderChannel.readInbound()) != null) {
            bh.consume(m.timestamp());
            m.release();
        }
    }
}
