package org.fluvia.media.api;

import org.osgi.annotation.versioning.ProviderType;

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

    /** Messages dropped from this reader's queue because it fell behind. */
    long droppedMessages();

    /** Leaves the stream, releasing everything still queued. Idempotent. */
    @Override
    void close();
}
