package org.fluvia.media.api;

import org.osgi.annotation.versioning.ProviderType;

import java.util.Collection;
import java.util.concurrent.CompletionStage;

/**
 * Every connected client of the node, for the HTTP API, the console and kicking; and the gate
 * through which a publish or play passes the {@link ClientHook}s.
 */
@ProviderType
public interface ClientRegistry {

    /** A new node-wide client id. */
    long nextId();

    /** Registers a client until the returned handle is closed. */
    AutoCloseable register(Client client);

    /** A snapshot of the connected clients, in connection order. */
    Collection<Client> clients();

    /** The client with that id, or null. */
    Client client(long id);

    /**
     * Asks every {@link ClientHook}, in ranking order, whether {@code client} (its role and stream
     * set) may start publishing or playing. Completes normally when all allow, exceptionally with
     * the first refusal; completes on any thread, so callers hop back to their event loop.
     */
    CompletionStage<Void> admit(Client client);

    /** An admitted client's publish or play ended: the hooks hear {@code onUnpublish}/{@code onStop}. */
    void ended(Client client);
}
