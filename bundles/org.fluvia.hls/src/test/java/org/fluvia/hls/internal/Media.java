package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.testkit.Components;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Synthetic media for segmenter tests: FLV-shaped bodies whose bytes name the frame. */
final class Media {

    private Media() {
    }

    static MediaMessage videoHeader(int ts) {
        return MediaMessage.of(MediaType.VIDEO, ts, body(0x17, 0x00, "avc-config"));
    }

    static MediaMessage audioHeader(int ts) {
        return MediaMessage.of(MediaType.AUDIO, ts, body(0xaf, 0x00, "aac-config"));
    }

    static MediaMessage key(int ts) {
        return MediaMessage.of(MediaType.VIDEO, ts, body(0x17, 0x01, "key@" + ts));
    }

    static MediaMessage inter(int ts) {
        return MediaMessage.of(MediaType.VIDEO, ts, body(0x27, 0x01, "inter@" + ts));
    }

    static MediaMessage audio(int ts) {
        return MediaMessage.of(MediaType.AUDIO, ts, body(0xaf, 0x01, "aac@" + ts));
    }

    private static ByteBuf body(int b0, int b1, String text) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(b0).writeByte(b1);
        b.writeCharSequence(text, StandardCharsets.US_ASCII);
        return b;
    }

    /**
     * A stream from 0 to {@code endMs}: sequence headers, 25 fps video with a keyframe every
     * {@code gopMs}, and an audio frame every 40 ms (interleaved after the video frame).
     */
    static List<MediaMessage> stream(int endMs, int gopMs) {
        List<MediaMessage> all = new ArrayList<>();
        all.add(videoHeader(0));
        all.add(audioHeader(0));
        for (int t = 0; t < endMs; t += 40) {
            all.add(t % gopMs == 0 ? key(t) : inter(t));
            all.add(audio(t));
        }
        return all;
    }

    /**
     * The same stream's frames from {@code fromMs} (inclusive, a multiple of 40) to {@code endMs}, without
     * sequence headers: the continuation of {@link #stream(int, int)}.
     */
    static List<MediaMessage> frames(int fromMs, int endMs, int gopMs) {
        List<MediaMessage> all = new ArrayList<>();
        for (int t = fromMs; t < endMs; t += 40) {
            all.add(t % gopMs == 0 ? key(t) : inter(t));
            all.add(audio(t));
        }
        return all;
    }

    /** Feeds each message and releases it, as a reader does. */
    static void feed(Segmenter s, List<MediaMessage> messages) {
        for (MediaMessage m : messages) {
            try {
                s.accept(m);
            } finally {
                m.release();
            }
        }
    }

    static void release(List<MediaMessage> messages) {
        messages.forEach(MediaMessage::release);
    }

    /** An encoder that writes one readable line per call, so segments can be compared as text. */
    static class TextEncoder implements SegmentEncoder {
        @Override
        public void setVideoConfig(ByteBuf body) {
        }

        @Override
        public void setAudioConfig(ByteBuf body) {
        }

        @Override
        public void beginSegment(ByteBuf out) {
            out.writeCharSequence("tables\n", StandardCharsets.US_ASCII);
        }

        @Override
        public void writeVideo(ByteBuf out, int timestampMs, ByteBuf body) {
            out.writeCharSequence("V " + body.toString(body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.US_ASCII)
                    + "\n", StandardCharsets.US_ASCII);
        }

        @Override
        public void writeAudio(ByteBuf out, int timestampMs, ByteBuf body) {
            out.writeCharSequence("A " + body.toString(body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.US_ASCII)
                    + "\n", StandardCharsets.US_ASCII);
        }
    }

    /** A closed segment with its bytes as text. */
    record Cut(long seq, long startMs, long durationMs, boolean discontinuity, String text) {
    }

    /** Collects closed segments (and releases their buffers). */
    static final class Cuts implements Segmenter.Listener {
        final List<Cut> cuts = new ArrayList<>();

        @Override
        public void segmentClosed(long seq, long startMs, long durationMs, boolean discontinuity, ByteBuf data) {
            try {
                cuts.add(new Cut(seq, startMs, durationMs, discontinuity, data.toString(StandardCharsets.US_ASCII)));
            } finally {
                data.release();
            }
        }

        List<Long> seqs() {
            return cuts.stream().map(Cut::seq).toList();
        }

        List<Long> starts() {
            return cuts.stream().map(Cut::startMs).toList();
        }
    }

    static HlsSettings settings(double fragmentS, double windowS, Path dir, Map<String, Object> more) {
        Map<String, Object> values = new java.util.HashMap<>(more);
        values.put("hls__fragment", fragmentS);
        values.put("hls__window", windowS);
        values.put("hls__path", dir == null ? "target/hls-unused" : dir.toString());
        return HlsSettings.of(Components.config(HlsComponent.Config.class, values));
    }
}
