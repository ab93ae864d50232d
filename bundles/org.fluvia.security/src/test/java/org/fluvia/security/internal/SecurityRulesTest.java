package org.fluvia.security.internal;

import org.fluvia.media.api.AccessDeniedException;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.StreamKey;
import org.fluvia.testkit.Components;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.*;

/** Rule parsing and SRS's decision order, on plain objects. */
class SecurityRulesTest {

    /** A client as the servers register it. */
    record FakeClient(Client.Role role, String ip, StreamKey stream) implements Client {
        @Override
        public long id() {
            return 7;
        }

        @Override
        public String protocol() {
            return "rtmp";
        }

        @Override
        public String url() {
            return "rtmp://host/" + stream.app() + "/" + stream.stream();
        }

        @Override
        public String param() {
            return "";
        }

        @Override
        public long connectedAt() {
            return 0;
        }

        @Override
        public long bytesIn() {
            return 0;
        }

        @Override
        public long bytesOut() {
            return 0;
        }

        @Override
        public void kick() {
        }
    }

    private static SecurityRules rules(String... rules) {
        return rules(Map.of("rules", rules));
    }

    private static SecurityRules rules(Map<String, Object> config) {
        SecurityRules s = new SecurityRules();
        Components.activate(s, config);
        return s;
    }

    private static Client publisher(String ip) {
        return new FakeClient(Client.Role.PUBLISH, ip, StreamKey.of("live", "cam"));
    }

    private static Client player(String ip) {
        return new FakeClient(Client.Role.PLAY, ip, StreamKey.of("live", "cam"));
    }

    /** null when allowed, else the refusal's message (checking it is an AccessDeniedException from a completed stage). */
    private static String decide(SecurityRules s, Client c) throws InterruptedException {
        CompletableFuture<Void> f = (c.role() == Client.Role.PUBLISH ? s.onPublish(c) : s.onPlay(c)).toCompletableFuture();
        assertTrue(f.isDone(), "security decides synchronously");
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            assertInstanceOf(AccessDeniedException.class, e.getCause());
            return e.getCause().getMessage();
        }
    }

    @Test
    void parsesIpv4Ipv6CidrAndAll() {
        assertTrue(IpRange.parse("all").contains("8.8.8.8"));
        assertTrue(IpRange.parse("all").contains("2001:db8::1"));
        assertTrue(IpRange.parse("10.1.2.3").contains("10.1.2.3"));
        assertFalse(IpRange.parse("10.1.2.3").contains("10.1.2.4"));
        assertTrue(IpRange.parse("10.0.0.0/8").contains("10.255.1.2"));
        assertFalse(IpRange.parse("10.0.0.0/8").contains("11.0.0.1"));
        assertTrue(IpRange.parse("192.168.1.77/26").contains("192.168.1.64"));
        assertTrue(IpRange.parse("192.168.1.77/26").contains("192.168.1.127"));
        assertFalse(IpRange.parse("192.168.1.77/26").contains("192.168.1.128"));
        assertTrue(IpRange.parse("0.0.0.0/0").contains("1.2.3.4"));
        assertFalse(IpRange.parse("0.0.0.0/0").contains("::1"), "an IPv4 block holds no IPv6 address");
        // Java writes ::1 as 0:0:0:0:0:0:0:1: addresses compare as numbers, not strings
        assertTrue(IpRange.parse("::1").contains("0:0:0:0:0:0:0:1"));
        assertTrue(IpRange.parse("2001:db8::/32").contains("2001:db8:ffff::5"));
        assertFalse(IpRange.parse("2001:db8::/32").contains("2001:db9::5"));
        assertTrue(IpRange.parse("fe80::/10").contains("fe80:0:0:0:0:0:0:1%eth0"), "a zone is ignored");
        assertTrue(IpRange.parse("127.0.0.1").contains("::ffff:127.0.0.1"), "an IPv4-mapped IPv6 address is its IPv4 address");
        assertFalse(IpRange.parse("10.0.0.0/8").contains("not-an-ip"));
        assertFalse(IpRange.parse("10.0.0.0/8").contains(null));
    }

    @Test
    void malformedRulesFailActivationNamingTheRule() {
        for (String bad : new String[]{"allow publish", "permit publish all", "allow record all", "deny play 10.0.0.0/33",
                "deny play ::1/129", "allow play 256.1.1.1", "allow play 10.0.0", "allow play example.com", "deny publish 10.0.0.0/",
                "deny publish 10.0.0.0/x", "allow play 1.2.3.4 5.6.7.8", "", "allow play 2001:db8::zz"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rules("allow play all", bad), bad);
            assertTrue(e.getMessage().contains("'" + bad.trim() + "'"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rules("deny  publish   10.0.0.0/40"));
        assertEquals("malformed security rule 'deny  publish   10.0.0.0/40': prefix /40 is longer than the 32 bits of 10.0.0.0", e.getMessage());
    }

    @Test
    void denyRulesComeFirstThenTheAllowRulesAsSrsChecksThem() throws Exception {
        // SRS's example: nobody publishes but 10/8, which is checked after the deny rules
        SecurityRules s = rules("allow publish 10.0.0.0/8", "deny publish 10.6.6.6", "allow play 127.0.0.1", "allow play ::1");
        assertNull(decide(s, publisher("10.1.2.3")));
        assertEquals("security: deny publish 10.6.6.6 by rule 'deny publish 10.6.6.6'", decide(s, publisher("10.6.6.6")),
                "a deny rule wins even when an earlier allow rule matches");
        assertEquals("security: deny publish 1.2.3.4: allowed by none of the 3 allow rules",
                decide(s, publisher("1.2.3.4")));
        assertNull(decide(s, player("127.0.0.1")));
        assertNull(decide(s, player("0:0:0:0:0:0:0:1")));
        assertNotNull(decide(s, player("10.1.2.3")), "play has its own allow rules");

        SecurityRules denyAll = rules("deny publish all");
        assertEquals("security: deny publish 1.2.3.4 by rule 'deny publish all'", decide(denyAll, publisher("1.2.3.4")));
        assertNull(decide(denyAll, player("1.2.3.4")), "no rule for play: play is allowed");

        SecurityRules denyBeforeAllow = rules("allow play all", "deny play 192.168.0.0/16");
        assertNotNull(decide(denyBeforeAllow, player("192.168.3.4")));
        assertNull(decide(denyBeforeAllow, player("172.16.0.1")));
        assertNotNull(decide(denyBeforeAllow, publisher("192.168.3.4")),
                "as in SRS, an allow rule of either action means a publish needs an allow rule of its own");
        SecurityRules onlyDeny = rules("deny play 192.168.0.0/16");
        assertNull(decide(onlyDeny, publisher("192.168.3.4")), "with deny rules only, whatever is not denied is allowed");
    }

    @Test
    void appliesOnlyToItsVhostAndWhenEnabled() throws Exception {
        SecurityRules s = rules(Map.of("vhost", "secure.example", "rules", new String[]{"deny play all"}));
        assertNull(decide(s, player("1.2.3.4")), "a client of the default vhost is not this vhost's business");
        Client there = new FakeClient(Client.Role.PLAY, "1.2.3.4", new StreamKey("secure.example", "live", "cam"));
        assertEquals("security: deny play 1.2.3.4 by rule 'deny play all'", decide(s, there));
        Client elsewhere = new FakeClient(Client.Role.PLAY, "1.2.3.4", new StreamKey("other.example", "live", "cam"));
        assertNull(decide(s, elsewhere));

        SecurityRules off = rules(Map.of("enabled", false, "rules", new String[]{"deny play all"}));
        assertNull(decide(off, player("1.2.3.4")));

        SecurityRules none = rules();
        assertNotNull(decide(none, player("1.2.3.4")), "SRS denies everything when security is on with no rules");
        assertNotNull(decide(none, publisher("1.2.3.4")));
    }

    @Test
    void modifiedReplacesTheRulesAndAMalformedUpdateKeepsNothingHalfApplied() throws Exception {
        SecurityRules s = rules("deny publish all");
        assertNotNull(decide(s, publisher("127.0.0.1")));
        Components.call(s, "modified", Components.config(SecurityRules.Config.class, Map.of("rules", new String[]{"allow publish 127.0.0.1"})));
        assertNull(decide(s, publisher("127.0.0.1")));
        assertNotNull(decide(s, publisher("127.0.0.2")));
        assertThrows(IllegalArgumentException.class, () -> Components.call(s, "modified",
                Components.config(SecurityRules.Config.class, Map.of("rules", new String[]{"deny publish all", "allow bogus"}))));
        assertNull(decide(s, publisher("127.0.0.1")), "the previous rules stay until a valid configuration arrives");
    }
}
