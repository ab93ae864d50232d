package org.fluvia.security.internal;

import org.fluvia.media.api.AccessDeniedException;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientHook;
import org.fluvia.media.api.StreamKey;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * SRS's {@code vhost NAME { security { enabled on; deny publish all; allow play 10.0.0.0/8; } }}: one
 * factory configuration per vhost. A client hook ranked above the HTTP callbacks, so a client the
 * rules refuse never reaches them. Decides at once, on the caller's thread.
 *
 * <p>For a publish (or a play), the rules for that action decide, in SRS's order: a matching
 * {@code deny} refuses; otherwise, when there is at least one {@code allow} rule for the action,
 * the client must match one of them; with no rule for the action, the client is allowed.
 * Addresses may be IPv4 or IPv6, single or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}).
 */
@Component(service = ClientHook.class, configurationPid = SecurityRules.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "service.ranking:Integer=100")
@Designate(ocd = SecurityRules.Config.class, factory = true)
public class SecurityRules implements ClientHook {

    static final String FACTORY_PID = "org.fluvia.security";

    private static final Logger LOG = LoggerFactory.getLogger(SecurityRules.class);

    @ObjectClassDefinition(name = "Fluvia security rules",
            description = "Allows or denies publishers and players of one vhost by client IP (SRS vhost.security).")
    public @interface Config {
        @AttributeDefinition(name = "Vhost", description = "The vhost the rules apply to; " + StreamKey.DEFAULT_VHOST
                + " for clients that name none.")
        String vhost() default StreamKey.DEFAULT_VHOST;

        @AttributeDefinition(name = "Enabled", description = "When off, every client is allowed (SRS security.enabled).")
        boolean enabled() default true;

        @AttributeDefinition(name = "Rules", description = "In file order, each 'allow|deny publish|play all|IP|CIDR', "
                + "e.g. 'deny publish all', 'allow publish 10.0.0.0/8', 'allow play ::1'. Deny rules are checked "
                + "first; if an action has allow rules, a client must match one.")
        String[] rules() default {};
    }

    private record Settings(String vhost, boolean enabled, List<SecurityRule> rules) {
    }

    private volatile Settings settings = new Settings(StreamKey.DEFAULT_VHOST, false, List.of());

    @Activate
    void activate(Config config) {
        configure(config);
    }

    @Modified
    void modified(Config config) {
        configure(config);
    }

    /** Parses every rule first: a malformed one fails (de)activation with a message naming it. */
    private void configure(Config config) {
        List<SecurityRule> rules = new ArrayList<>();
        for (String line : config.rules() == null ? new String[0] : config.rules()) {
            rules.add(SecurityRule.parse(line));
        }
        String vhost = config.vhost() == null || config.vhost().isBlank() ? StreamKey.DEFAULT_VHOST : config.vhost().trim();
        settings = new Settings(vhost, config.enabled(), List.copyOf(rules));
        LOG.info("security for vhost {}: {} {}", vhost, config.enabled() ? "enabled" : "disabled", rules);
    }

    @Override
    public CompletionStage<Void> onPublish(Client client) {
        return decide(client, Client.Role.PUBLISH);
    }

    @Override
    public CompletionStage<Void> onPlay(Client client) {
        return decide(client, Client.Role.PLAY);
    }

    private CompletionStage<Void> decide(Client client, Client.Role role) {
        String refusal = refusal(client, role);
        if (refusal == null) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("client {} refused: {}", client.id(), refusal);
        return CompletableFuture.failedFuture(new AccessDeniedException(refusal));
    }

    /** Why {@code client} may not {@code role}, or null when it may. */
    String refusal(Client client, Client.Role role) {
        Settings s = settings;
        StreamKey key = client.stream();
        if (!s.enabled() || key == null || !key.vhost().equals(s.vhost())) {
            return null;
        }
        String ip = client.ip();
        String action = role == Client.Role.PUBLISH ? "publish" : "play";
        for (SecurityRule rule : s.rules()) {
            if (!rule.allow() && rule.matches(role, ip)) {
                return "security: deny " + action + " " + ip + " by rule '" + rule + "'";
            }
        }
        // SRS's allow check: an allow rule of this action that matches admits; otherwise any allow
        // rule at all (of either action), or no rule at all, means "not allowed" (srs_app_security).
        int allowRules = 0;
        for (SecurityRule rule : s.rules()) {
            if (rule.allow()) {
                allowRules++;
                if (rule.action() == role && rule.range().contains(ip)) {
                    return null;
                }
            }
        }
        if (allowRules > 0 || s.rules().isEmpty()) {
            return "security: deny " + action + " " + ip + ": " + (s.rules().isEmpty()
                    ? "security is enabled with no rules (SRS denies by default)"
                    : "allowed by none of the " + allowRules + " allow rules");
        }
        return null;
    }

    @Override
    public String toString() {
        return "security(" + settings.vhost() + ")";
    }
}
