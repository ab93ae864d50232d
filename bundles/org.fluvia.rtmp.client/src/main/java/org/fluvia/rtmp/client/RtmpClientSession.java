package org.fluvia.rtmp.client;

import org.fluvia.media.api.MediaMessage;
import org.osgi.annotation.versioning.ProviderType;

import java.util.concurrent.CompletableFuture;

/** An established outbound RTMP play or publish. */
@ProviderType
public interface RtmpClientSession extends AutoCloseable {

    /**
     * Publishes one message (publish sessions only). Takes ownership of {@code message}. Thread-safe:
     * the write happens on the connection's event loop.
     */
    void send(MediaMessage message);

    /** Whether the connection takes more data now without queueing (for callers that bound their queue). */
    boolean isWritable();

    /** The message stream id the server gave us. */
    int streamId();

    /** Closes the connection. */
    @Override
    void close();

    /** Completes when the connection is closed, exceptionally if it failed. */
    CompletableFuture<Void> closeFuture();
}
