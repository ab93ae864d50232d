package org.fluvia.forward.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Publishes H.264/AAC-shaped messages straight into a hub in real time: metadata and sequence headers,
 * then 25 video frames a second (a keyframe every {@code gop}) of {@code frameBytes} random bytes,
 * each with an audio frame. For rates ffmpeg's test pattern does not reach, and for pulled streams.
 */
final class SyntheticPublisher implements AutoCloseable {

    private final Publication publication;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "synthetic-publisher");
        t.setDaemon(true);
        return t;
    });
    private final int frameBytes;
    private final int gop;
    private int frame;

    SyntheticPublisher(StreamRegistry registry, StreamKey key, SourceKind kind, int frameBytes, int gop) throws Exception {
        this.publication = registry.publish(key, kind, "synthetic " + kind.name().toLowerCase() + " in the test");
        this.frameBytes = frameBytes;
        this.gop = gop;
        timer.execute(this::headers);
        timer.scheduleAtFixedRate(this::next, 0, 40, TimeUnit.MILLISECONDS);
    }

    private void headers() {
        ByteBuf meta = PooledByteBufAllocator.DEFAULT.buffer();
        Amf0.write(meta, "onMetaData");
        Amf0.write(meta, Map.of("width", 320.0, "height", 240.0, "videocodecid", 7.0, "audiocodecid", 10.0));
        publication.publish(MediaMessage.of(MediaType.DATA, 0, MediaMessage.METADATA, meta));
        publication.publish(MediaMessage.of(MediaType.VIDEO, 0, bytes(0x17, 0, 12)));
        publication.publish(MediaMessage.of(MediaType.AUDIO, 0, bytes(0xaf, 0, 4)));
    }

    private void next() {
        int ts = frame * 40;
        publication.publish(MediaMessage.of(MediaType.VIDEO, ts, bytes(frame % gop == 0 ? 0x17 : 0x27, 1, frameBytes)));
        publication.publish(MediaMessage.of(MediaType.AUDIO, ts, bytes(0xaf, 1, 200)));
        frame++;
    }

    private static ByteBuf bytes(int b0, int b1, int length) {
        byte[] body = new byte[length];
        ThreadLocalRandom.current().nextBytes(body);
        body[0] = (byte) b0;
        body[1] = (byte) b1;
        return PooledByteBufAllocator.DEFAULT.buffer(length).writeBytes(body);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        publication.close();
    }
}
