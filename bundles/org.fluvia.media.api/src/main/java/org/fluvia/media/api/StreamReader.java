package org.fluvia.media.api;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.concurrent.Executor;

/**
 * Takes media out of a stream: an RTMP player, an HTTP-FLV response, an HLS muxer, a forward push.
 * The hub calls every method on {@link #executor()}, so a reader needs no locks of its own.
 */
@ConsumerType
public interface StreamReader {

    /**
     * The executor the hub calls this reader on; for a network reader, its channel's event loop.
     * The hub asks once, when the reader subscribes: it must not change afterwards.
     */
    Executor executor();

    /**
     * Messages are queued: poll them until {@link Subscription#poll()} returns null. The hub does not
     * call this again until the reader has emptied the queue once; a reader that stops early (its
     * channel is not writable) resumes polling by itself.
     */
    void onMessages(Subscription subscription);

    /** The stream's source started publishing (also for a republish). */
    default void onPublish(Subscription subscription) {
    }

    /** The source left. The subscription stays open and continues when a source returns. */
    default void onUnpublish(Subscription subscription) {
    }

    /** The hub closed the subscription (the hub itself is stopping). */
    default void onClose(Subscription subscription) {
    }
}
