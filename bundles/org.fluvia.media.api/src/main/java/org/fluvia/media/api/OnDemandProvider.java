package org.fluvia.media.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Fills a stream that a reader asked for and nobody publishes (the edge's pull). Register as an
 * OSGi service. The provider stops its source itself when the stream has had no reader for its
 * grace period (watch {@link StreamObserver#readersChanged}).
 */
@ConsumerType
public interface OnDemandProvider {

    /**
     * A reader subscribed to {@code key}, which has no source. Called once per reader arrival while
     * the stream is unpublished; must not block.
     *
     * @return true if this provider is (now or already) trying to fill the stream
     */
    boolean provide(StreamKey key, StreamRegistry registry);
}
