package org.fluvia.media.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.osgi.annotation.versioning.ProviderType;

import java.util.function.Function;

/**
 * A reader's bounded queue on a stream. The queue holds at most the vhost's {@code queue_length}
 * seconds of media; when a reader falls further behind, whole GOPs are dropped (never a sequence
 * header or metadata) and counted.
 */
@ProviderType
public interface Subscription extends AutoCloseable {

    Stream stream();

    /**
     * The next message, or null when the queue is empty. The caller owns (and must release) the
     * returned message. Call only from the reader's executor.
     */
    MediaMessage poll();

    /**
     * What {@link #poll} would give next, up to the newest message, as one buffer: each message's
     * {@code encoding}, one after the other. A reader that writes several messages at a time writes
     * this instead of a buffer per message: the run is made once and shared with the stream's other
     * readers at the same point with an equal {@code key} (a batched reader at a tick: all of a
     * loop's players at once). The caller owns the returned buffer, a duplicate with its own indices.
     * Null when there is no run to share (fewer than two messages, a reader with messages of its own
     * to read first, not at a tick): then read with {@link #poll}. Call only from the reader's executor.
     *
     * @param key equal for readers whose encodings of any message are equal
     * @param encoding a message's encoding for this reader, owned by the message (see {@link MediaMessage#encoded})
     * @param alloc where a new run's buffer comes from
     */
    ByteBuf pollRun(Object key, Function<MediaMessage, ByteBuf> encoding, ByteBufAllocator alloc);

    /** Messages dropped from this reader's queue because it fell behind. */
    long droppedMessages();

    /** Leaves the stream, releasing everything still queued. Idempotent. */
    @Override
    void close();
}
