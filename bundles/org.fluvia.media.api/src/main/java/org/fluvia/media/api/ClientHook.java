package org.fluvia.media.api;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides on and hears about publishes and plays: SRS's {@code security} rules and
 * {@code http_hooks} are hooks. Register as an OSGi service; servers ask every hook, in service
 * ranking order, before a publish or play starts, and a single refusal refuses it.
 *
 * <p>Called on the client's event loop: never block. A hook that does I/O (an HTTP callback)
 * completes the stage later, from its own thread, and bounds its own time.
 */
@ConsumerType
public interface ClientHook {

    /** Completes normally to allow; exceptionally (ideally with {@link AccessDeniedException}) to refuse. */
    default CompletionStage<Void> onPublish(Client client) {
        return CompletableFuture.completedFuture(null);
    }

    /** Completes normally to allow; exceptionally (ideally with {@link AccessDeniedException}) to refuse. */
    default CompletionStage<Void> onPlay(Client client) {
        return CompletableFuture.completedFuture(null);
    }

    /** A publish that was allowed ended. */
    default void onUnpublish(Client client) {
    }

    /** A play that was allowed ended. */
    default void onStop(Client client) {
    }
}
