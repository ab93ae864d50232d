package org.fluvia.media.api;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.util.Objects;
import java.util.function.Function;

/**
 * One audio, video or data message of a stream: its type, its timestamp in milliseconds, what it is
 * (keyframe, sequence header, metadata) and its payload in FLV tag body form.
 *
 * <p>Reference counted. The hub holds one reference per cached or queued copy; whoever dequeues,
 * drops or evicts a message releases that reference. The payload and every cached encoding are
 * released when the count reaches zero.
 *
 * <p>Fan-out encodes once: {@link #encoded(Object, Function)} keeps one encoding of the message per
 * key (for RTMP: chunk size and chunk stream; for HTTP-FLV: the FLV tag), shared by every reader.
 */
public final class MediaMessage extends AbstractReferenceCounted {

    /** Video: a keyframe (IDR). Audio: always set, every audio frame is a random access point. */
    public static final int KEYFRAME = 1;
    /** An AVC/HEVC decoder configuration record or an AAC AudioSpecificConfig. */
    public static final int SEQUENCE_HEADER = 2;
    /** An {@code onMetaData} script message. */
    public static final int METADATA = 4;

    private final MediaType type;
    private final int timestamp;
    private final int flags;
    private final ByteBuf payload;

    /** Encodings keyed by their encoder's key; guarded by this. Usually one entry, rarely two. */
    /** Key, buffer, key, buffer...; replaced (never changed in place) under the lock, read without it. */
    private volatile Object[] encodings;

    private MediaMessage(MediaType type, int timestamp, int flags, ByteBuf payload) {
        this.type = Objects.requireNonNull(type, "type");
        this.timestamp = timestamp;
        this.flags = flags;
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /**
     * A message for an audio or video payload, classified from its first bytes (FLV/enhanced RTMP
     * headers). Takes ownership of {@code payload}.
     */
    public static MediaMessage of(MediaType type, int timestamp, ByteBuf payload) {
        return new MediaMessage(type, timestamp, classify(type, payload), payload);
    }

    /**
     * A message with explicit flags (for example a {@link #METADATA} data message). Takes ownership of
     * {@code payload}.
     */
    public static MediaMessage of(MediaType type, int timestamp, int flags, ByteBuf payload) {
        return new MediaMessage(type, timestamp, flags, payload);
    }

    static int classify(MediaType type, ByteBuf p) {
        if (!p.isReadable()) {
            return 0;
        }
        int b0 = p.getUnsignedByte(p.readerIndex());
        if (type == MediaType.VIDEO) {
            if ((b0 & 0x80) != 0) { // enhanced RTMP: frame type in bits 4-6, packet type in 0-3
                int frameType = (b0 >> 4) & 0x07;
                int packetType = b0 & 0x0f;
                if (packetType == 0) {
                    return SEQUENCE_HEADER | KEYFRAME;
                }
                return frameType == 1 ? KEYFRAME : 0;
            }
            int frameType = b0 >> 4;
            int codec = b0 & 0x0f;
            boolean key = frameType == 1;
            if ((codec == 7 || codec == 12) && p.readableBytes() > 1
                    && p.getUnsignedByte(p.readerIndex() + 1) == 0) {
                return SEQUENCE_HEADER | KEYFRAME;
            }
            return key ? KEYFRAME : 0;
        }
        if (type == MediaType.AUDIO) {
            int format = b0 >> 4;
            if (format == 10 && p.readableBytes() > 1 && p.getUnsignedByte(p.readerIndex() + 1) == 0) {
                return SEQUENCE_HEADER | KEYFRAME;
            }
            if (format == 9 && (b0 & 0x0f) == 0) { // enhanced audio SequenceStart
                return SEQUENCE_HEADER | KEYFRAME;
            }
            return KEYFRAME;
        }
        return 0;
    }

    public MediaType type() {
        return type;
    }

    /** Milliseconds on the stream's timeline (after ingest timestamp correction); wraps at 2^32. */
    public int timestamp() {
        return timestamp;
    }

    public int flags() {
        return flags;
    }

    public boolean isKeyframe() {
        return (flags & KEYFRAME) != 0;
    }

    public boolean isVideoKeyframe() {
        return type == MediaType.VIDEO && (flags & KEYFRAME) != 0 && (flags & SEQUENCE_HEADER) == 0;
    }

    public boolean isSequenceHeader() {
        return (flags & SEQUENCE_HEADER) != 0;
    }

    public boolean isMetadata() {
        return (flags & METADATA) != 0;
    }

    /**
     * The payload (FLV tag body). Owned by this message: do not release it; use
     * {@code retainedDuplicate()} to hand it on.
     */
    public ByteBuf payload() {
        return payload;
    }

    public int size() {
        return payload.readableBytes();
    }

    /**
     * The same message on another timestamp, sharing the payload (which it retains).
     * The caller owns the returned message.
     */
    public MediaMessage withTimestamp(int newTimestamp) {
        return new MediaMessage(type, newTimestamp, flags, payload.retainedDuplicate());
    }

    /**
     * A duplicate of {@link #encoded} for the caller to write (or release): the one encoding shared
     * by every reader, each with its own indices.
     *
     * <p>A plain duplicate of the retained buffer, not a {@code retainedDuplicate()}. When the leak
     * detector sampled the shared buffer (Netty wraps one allocation in 128), a retained duplicate is
     * tracked on its own, with a stack trace at its creation and another at its release: a thousand
     * players made two thousand stack traces per sampled message, most of the HTTP-FLV fan-out's
     * allocation. A plain duplicate shares the buffer's tracking instead (a duplicate that is never
     * released still shows as the shared buffer's leak). For an unsampled buffer a plain duplicate is a
     * small new object, where a pooled one came from Netty's recycler, cold in the cache: 3.7 % of the
     * CPU samples at 2000 players (docs/BENCHMARKS.md, eleventh session).
     */
    public ByteBuf encodedDuplicate(Object key, Function<MediaMessage, ByteBuf> encoder) {
        return sharedDuplicate(encoded(key, encoder));
    }

    /**
     * A duplicate of a buffer that many readers write, for one of them to own: retained, its own
     * indices, sharing the buffer's leak tracking (see {@link #encodedDuplicate}).
     */
    public static ByteBuf sharedDuplicate(ByteBuf shared) {
        return shared.retain().duplicate();
    }

    /**
     * The encoding of this message under {@code key}, computed by {@code encoder} the first time it is
     * asked for and shared afterwards. The returned buffer stays owned by this message: never write
     * it itself; a reader writes {@link #encodedDuplicate}'s duplicate of it. The caller must hold a
     * reference to this message while calling.
     *
     * @param key equal for all readers that can share one encoding (e.g. chunk size + chunk stream)
     * @param encoder makes a new buffer, which this message then owns
     */
    public ByteBuf encoded(Object key, Function<MediaMessage, ByteBuf> encoder) {
        // Every player of every event loop asks for the same message at about the same moment:
        // the lookup takes no lock, only the first encoding does.
        ByteBuf found = lookup(encodings, key);
        if (found != null) {
            return found;
        }
        synchronized (this) {
            Object[] e = encodings;
            found = lookup(e, key);
            if (found != null) {
                return found;
            }
            ByteBuf made = Objects.requireNonNull(encoder.apply(this), "encoding");
            Object[] grown;
            if (e == null) {
                grown = new Object[2];
            } else {
                grown = java.util.Arrays.copyOf(e, e.length + 2);
            }
            grown[grown.length - 2] = key;
            grown[grown.length - 1] = made;
            encodings = grown;
            return made;
        }
    }

    private static ByteBuf lookup(Object[] e, Object key) {
        if (e != null) {
            for (int i = 0; i < e.length; i += 2) {
                if (e[i].equals(key)) {
                    return (ByteBuf) e[i + 1];
                }
            }
        }
        return null;
    }

    @Override
    public MediaMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public MediaMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public MediaMessage touch() {
        return this;
    }

    @Override
    public MediaMessage touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    protected void deallocate() {
        payload.release();
        Object[] e;
        synchronized (this) {
            e = encodings;
            encodings = null;
        }
        if (e != null) {
            for (int i = 1; i < e.length; i += 2) {
                ((ReferenceCounted) e[i]).release();
            }
        }
    }

    @Override
    public String toString() {
        return type + "@" + timestamp + (isSequenceHeader() ? " seqhdr" : isKeyframe() && type == MediaType.VIDEO ? " key" : "")
                + (isMetadata() ? " meta" : "") + " " + payload.readableBytes() + "B";
    }
}
