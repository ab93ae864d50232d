package org.fluvia.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fluvia.codec.flv.FlvReader;
import org.fluvia.codec.flv.FlvTag;

/**
 * An FLV file held in memory for the whole run: its tags with heap bodies that are never released
 * (publishers send retained duplicates of them).
 */
public final class FlvFile {

    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int SCRIPT = 18;

    /**
     * @param config metadata or an AVC/AAC sequence header: sent once, not on every loop
     */
    public record Tag(int type, int timestamp, ByteBuf body, boolean config, boolean keyframe) {
    }

    private final List<Tag> tags;
    private final int firstTimestamp;
    private final long durationMs;
    private final long frameIntervalMs;

    private FlvFile(List<Tag> tags) {
        this.tags = List.copyOf(tags);
        this.firstTimestamp = tags.get(0).timestamp();
        int last = firstTimestamp;
        int firstVideo = -1;
        int lastVideo = -1;
        int frames = 0;
        for (Tag t : tags) {
            last = Math.max(last, t.timestamp());
            if (t.type() == VIDEO && !t.config()) {
                if (firstVideo < 0) {
                    firstVideo = t.timestamp();
                }
                lastVideo = t.timestamp();
                frames++;
            }
        }
        this.durationMs = last - firstTimestamp;
        this.frameIntervalMs = frames > 1 ? Math.max(1, Math.round((lastVideo - firstVideo) / (double) (frames - 1))) : 40;
    }

    /** Reads a whole FLV file. */
    public static FlvFile read(Path path) throws IOException {
        return of(Unpooled.wrappedBuffer(Files.readAllBytes(path)));
    }

    /** @param data a complete FLV file; kept (not released) for the life of the result */
    public static FlvFile of(ByteBuf data) {
        List<Tag> tags = new ArrayList<>();
        for (FlvTag t : FlvReader.readAll(data)) {
            ByteBuf body = t.body();
            boolean config = t.type() == SCRIPT;
            boolean keyframe = false;
            if (body.readableBytes() >= 2) {
                int b0 = body.getUnsignedByte(body.readerIndex());
                int b1 = body.getUnsignedByte(body.readerIndex() + 1);
                if (t.type() == VIDEO) {
                    config = (b0 & 0x0F) == 7 && b1 == 0;
                    keyframe = (b0 >> 4 & 0x07) == 1;
                } else if (t.type() == AUDIO) {
                    config = (b0 >> 4) == 10 && b1 == 0;
                }
            }
            tags.add(new Tag(t.type(), t.timestamp(), body, config, keyframe));
        }
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("the FLV file has no tags");
        }
        return new FlvFile(tags);
    }

    public List<Tag> tags() {
        return tags;
    }

    public int firstTimestamp() {
        return firstTimestamp;
    }

    /** Last tag's timestamp minus the first's. */
    public long durationMs() {
        return durationMs;
    }

    /** The average distance of video frames, the gap left between two loops. */
    public long frameIntervalMs() {
        return frameIntervalMs;
    }
}
