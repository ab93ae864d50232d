package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Test helper: the FLV fixtures in src/test/resources/fixtures were made with ffmpeg 5 / libx264, e.g.
 * {@code ffmpeg -f lavfi -i testsrc=size=640x360:rate=25 -t 1 -pix_fmt yuv420p -c:v libx264 -f flv v360.flv}
 * and {@code ffmpeg -f lavfi -i sine=sample_rate=44100 -t 0.2 -ac 2 -c:a aac -f flv a44.flv}.
 */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the body of the first tag in the fixture that matches. */
    static byte[] firstBody(String name, Predicate<FlvTag> match) {
        ByteBuf file = Unpooled.wrappedBuffer(bytes(name));
        List<FlvTag> tags = FlvReader.readAll(file);
        try {
            return tags.stream().filter(match).findFirst().map(t -> ByteBufUtil.getBytes(t.body()))
                    .orElseThrow(() -> new IllegalStateException("no matching tag in " + name));
        } finally {
            tags.forEach(FlvTag::release);
            file.release();
        }
    }

    static byte[] videoSequenceHeader(String name) {
        return firstBody(name, t -> t.type() == FlvTags.VIDEO && FlvVideo.isSequenceHeader(t.body()));
    }

    static byte[] audioSequenceHeader(String name) {
        return firstBody(name, t -> t.type() == FlvTags.AUDIO && FlvAudio.isSequenceHeader(t.body()));
    }
}
