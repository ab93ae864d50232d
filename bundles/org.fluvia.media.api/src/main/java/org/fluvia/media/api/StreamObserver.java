package org.fluvia.media.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reacts to streams appearing and going (forward starts pushes, HLS starts muxers, the API counts).
 * Register as an OSGi service. Called on the source's thread: return quickly, never block.
 */
@ConsumerType
public interface StreamObserver {

    default void streamPublished(Stream stream) {
    }

    default void streamUnpublished(Stream stream) {
    }

    /** A reader joined or left; {@link Stream#readerCount()} has the new count. */
    default void readersChanged(Stream stream) {
    }
}
