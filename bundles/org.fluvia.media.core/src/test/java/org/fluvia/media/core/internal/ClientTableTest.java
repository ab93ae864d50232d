package org.fluvia.media.core.internal;

import org.fluvia.media.api.AccessDeniedException;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientHook;
import org.fluvia.media.api.StreamKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.*;

class ClientTableTest {

    private final ClientTable table = new ClientTable();
    private final List<String> calls = new ArrayList<>();

    private Client client(long id, Client.Role role) {
        return new Client() {
            public long id() { return id; }
            public String protocol() { return "rtmp"; }
            public Role role() { return role; }
            public String ip() { return "127.0.0.1"; }
            public StreamKey stream() { return StreamKey.of("live", "s"); }
            public String url() { return "rtmp://127.0.0.1/live/s"; }
            public String param() { return ""; }
            public long connectedAt() { return 0; }
            public long bytesIn() { return 0; }
            public long bytesOut() { return 0; }
            public void kick() { calls.add("kick " + id); }
        };
    }

    private ClientHook hook(String name, boolean allow) {
        return new ClientHook() {
            @Override
            public CompletionStage<Void> onPublish(Client c) {
                calls.add(name + " publish");
                return allow ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(new AccessDeniedException(name + " says no"));
            }

            @Override
            public void onUnpublish(Client c) {
                calls.add(name + " unpublish");
            }
        };
    }

    @Test
    void hooksRunInRankingOrderAndTheFirstRefusalStopsTheChain() {
        table.addHook(hook("low", true), Map.of("service.ranking", -10, "service.id", 1L));
        table.addHook(hook("security", false), Map.of("service.ranking", 100, "service.id", 2L));
        CompletionException e = assertThrows(CompletionException.class, () -> table.admit(client(1, Client.Role.PUBLISH)).toCompletableFuture().join());
        assertInstanceOf(AccessDeniedException.class, e.getCause());
        assertEquals("security says no", e.getCause().getMessage());
        assertEquals(List.of("security publish"), calls, "the lower-ranked hook is not asked after a refusal");
    }

    @Test
    void allHooksAllowingAdmitsAndEndedTellsThemAll() {
        table.addHook(hook("a", true), Map.of("service.id", 1L));
        table.addHook(hook("b", true), Map.of("service.id", 2L));
        Client c = client(7, Client.Role.PUBLISH);
        table.admit(c).toCompletableFuture().join();
        table.ended(c);
        assertEquals(List.of("a publish", "b publish", "a unpublish", "b unpublish"), calls);
    }

    @Test
    void registeredClientsAreListedInConnectionOrderUntilClosed() throws Exception {
        Client a = client(table.nextId(), Client.Role.PLAY);
        Client b = client(table.nextId(), Client.Role.PUBLISH);
        AutoCloseable ra = table.register(a);
        table.register(b);
        assertEquals(List.of(a, b), List.copyOf(table.clients()));
        assertSame(b, table.client(b.id()));
        ra.close();
        assertEquals(List.of(b), List.copyOf(table.clients()));
        assertNull(table.client(a.id()));
    }
}
