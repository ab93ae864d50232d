package org.fluvia.console.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.fluvia.console.RoleService;
import org.fluvia.console.Roles;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The Gogo commands {@code fluvia:role}, {@code fluvia:streams}, {@code fluvia:clients} and {@code fluvia:kick}. */
@Component(service = FluviaCommands.class, property = {
        "osgi.command.scope=fluvia",
        "osgi.command.function=role",
        "osgi.command.function=streams",
        "osgi.command.function=clients",
        "osgi.command.function=kick"})
public final class FluviaCommands {

    @Reference
    private RoleService roles;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile StreamRegistry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ClientRegistry clientRegistry;

    @Descriptor("prints the node's role and its feature bundles")
    public String role() {
        StringBuilder b = new StringBuilder("role: ").append(roles.currentRole()).append(System.lineSeparator());
        for (Map.Entry<String, Boolean> e : roles.featureBundles().entrySet()) {
            b.append("  ").append(e.getValue() ? "active  " : "stopped ").append(e.getKey()).append(System.lineSeparator());
        }
        b.append("roles: ").append(String.join(", ", Roles.names()));
        return b.toString();
    }

    @Descriptor("switches the node's role: starts the role's feature bundles and stops the others")
    public String role(@Descriptor("origin, origin-noforward, edge or all-in-one") String role) {
        roles.switchRole(role);
        return role();
    }

    @Descriptor("lists the node's streams")
    public String streams() {
        StreamRegistry r = registry;
        if (r == null) {
            return "no stream registry (is org.fluvia.media.core active?)";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STREAM", "PUBLISHED", "SOURCE", "READERS", "BYTES_IN"});
        for (Stream s : r.streams()) {
            rows.add(new String[] {s.key().toString(), s.isPublished() ? "yes" : "no", Format.source(s),
                    String.valueOf(s.readerCount()), String.valueOf(s.bytesIn())});
        }
        return Format.table(rows) + (rows.size() - 1) + " stream(s)";
    }

    @Descriptor("lists the node's clients")
    public String clients() {
        ClientRegistry r = clientRegistry;
        if (r == null) {
            return "no client registry (is org.fluvia.media.core active?)";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "PROTOCOL", "ROLE", "IP", "STREAM", "BYTES_IN", "BYTES_OUT"});
        for (Client c : r.clients()) {
            rows.add(new String[] {String.valueOf(c.id()), c.protocol(), Format.role(c), c.ip(), Format.stream(c),
                    String.valueOf(c.bytesIn()), String.valueOf(c.bytesOut())});
        }
        return Format.table(rows) + (rows.size() - 1) + " client(s)";
    }

    @Descriptor("disconnects a client (a publisher's stream ends)")
    public String kick(@Descriptor("the client id, as fluvia:clients shows it") long id) {
        ClientRegistry r = clientRegistry;
        Client c = r == null ? null : r.client(id);
        if (c == null) {
            throw new IllegalArgumentException("no client " + id + " (fluvia:clients lists them)");
        }
        c.kick();
        return "kicked client " + id + " (" + c.protocol() + " " + Format.role(c) + " " + Format.stream(c) + ")";
    }
}
