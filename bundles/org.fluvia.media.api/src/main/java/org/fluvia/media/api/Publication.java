package org.fluvia.media.api;

import org.osgi.annotation.versioning.ProviderType;

/** A source's handle on its stream: what it publishes goes to every reader. */
@ProviderType
public interface Publication extends AutoCloseable {

    Stream stream();

    /**
     * Publishes one message. Takes ownership of {@code message} (the hub releases it). The timestamp
     * is corrected here, once for all readers, according to the vhost's {@code time_jitter}.
     * Ignored (and released) after {@link #close()}.
     */
    void publish(MediaMessage message);

    /** Ends the publication: readers are told the source left and stay subscribed for a republish. */
    @Override
    void close();
}
