package org.fluvia.media.core.internal;

import org.fluvia.media.api.AccessDeniedException;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientHook;
import org.fluvia.media.api.ClientRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** The node's client registry and the gate that runs the client hooks in ranking order. */
@Component(service = ClientRegistry.class)
public class ClientTable implements ClientRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ClientTable.class);

    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Client> clients = new ConcurrentSkipListMap<>();
    private record RankedHook(ClientHook hook, int ranking, long serviceId) {
    }

    private final List<RankedHook> ranked = new ArrayList<>();
    /** Highest service ranking first (security before HTTP callbacks), then registration order. */
    private volatile List<ClientHook> hooks = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addHook(ClientHook hook, Map<String, Object> properties) {
        Object ranking = properties.get("service.ranking");
        Object id = properties.get("service.id");
        ranked.add(new RankedHook(hook, ranking instanceof Integer r ? r : 0, id instanceof Long l ? l : Long.MAX_VALUE));
        ranked.sort(Comparator.comparingInt(RankedHook::ranking).reversed().thenComparingLong(RankedHook::serviceId));
        hooks = ranked.stream().map(RankedHook::hook).toList();
    }

    synchronized void removeHook(ClientHook hook, Map<String, Object> properties) {
        ranked.removeIf(r -> r.hook() == hook);
        hooks = ranked.stream().map(RankedHook::hook).toList();
    }

    @Override
    public long nextId() {
        return ids.incrementAndGet();
    }

    @Override
    public AutoCloseable register(Client client) {
        clients.put(client.id(), client);
        return () -> clients.remove(client.id(), client);
    }

    @Override
    public Collection<Client> clients() {
        return new ArrayList<>(clients.values());
    }

    @Override
    public Client client(long id) {
        return clients.get(id);
    }

    @Override
    public CompletionStage<Void> admit(Client client) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (ClientHook hook : hooks) {
            chain = chain.thenCompose(ok -> ask(hook, client));
        }
        return chain;
    }

    private static CompletionStage<Void> ask(ClientHook hook, Client client) {
        try {
            CompletionStage<Void> answer = client.role() == Client.Role.PUBLISH ? hook.onPublish(client) : hook.onPlay(client);
            return answer != null ? answer : CompletableFuture.failedFuture(new AccessDeniedException(hook + " gave no answer"));
        } catch (RuntimeException e) {
            LOG.warn("client hook {} failed; refusing client {}", hook, client.id(), e);
            return CompletableFuture.failedFuture(new AccessDeniedException("hook " + hook + " failed: " + e));
        }
    }

    @Override
    public void ended(Client client) {
        for (ClientHook hook : hooks) {
            try {
                if (client.role() == Client.Role.PUBLISH) {
                    hook.onUnpublish(client);
                } else {
                    hook.onStop(client);
                }
            } catch (RuntimeException e) {
                LOG.warn("client hook {} failed on end of client {}", hook, client.id(), e);
            }
        }
    }
}
