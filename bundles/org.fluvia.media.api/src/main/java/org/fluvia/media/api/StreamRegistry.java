package org.fluvia.media.api;

import org.osgi.annotation.versioning.ProviderType;

import java.util.Collection;

/**
 * The hub: every stream of the node, keyed by vhost/app/stream. Sources publish into it, readers
 * subscribe to it.
 */
@ProviderType
public interface StreamRegistry {

    /**
     * Makes the caller the source of the stream {@code key}.
     *
     * @param description who publishes, for logs and the API
     * @throws StreamBusyException when the stream already has a source
     */
    Publication publish(StreamKey key, SourceKind kind, String description) throws StreamBusyException;

    /**
     * Subscribes {@code reader} to the stream {@code key}. The stream need not be published yet: the
     * reader then waits, and the registry asks the {@link OnDemandProvider}s to fill it. When it is
     * published, the reader first gets the metadata, the sequence headers and the cached GOP.
     */
    Subscription subscribe(StreamKey key, StreamReader reader);

    /**
     * The vhost a client's requested host name maps to: the name itself when that vhost is configured,
     * {@link StreamKey#DEFAULT_VHOST} otherwise (as SRS does, so players using an IP address or another
     * host name reach the same streams).
     */
    String resolveVhost(String requested);

    /** The stream, or null when the registry holds none under that key. */
    Stream stream(StreamKey key);

    /** A snapshot of all streams (published or with waiting readers). */
    Collection<Stream> streams();
}
