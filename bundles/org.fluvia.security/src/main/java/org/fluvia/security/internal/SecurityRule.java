package org.fluvia.security.internal;

import org.fluvia.media.api.Client;

/** One {@code allow|deny publish|play all|IP|CIDR} line of a vhost's security section. */
record SecurityRule(boolean allow, Client.Role action, IpRange range, String text) {

    /** Parses a rule; the exception's message names the rule and what is wrong with it. */
    static SecurityRule parse(String line) {
        String text = line == null ? "" : line.trim();
        String[] f = text.isEmpty() ? new String[0] : text.split("\\s+");
        if (f.length != 3) {
            throw malformed(text, "expected 'allow|deny publish|play all|IP|CIDR'");
        }
        boolean allow = switch (f[0]) {
            case "allow" -> true;
            case "deny" -> false;
            default -> throw malformed(text, "'" + f[0] + "' is neither allow nor deny");
        };
        Client.Role action = switch (f[1]) {
            case "publish" -> Client.Role.PUBLISH;
            case "play" -> Client.Role.PLAY;
            default -> throw malformed(text, "'" + f[1] + "' is neither publish nor play");
        };
        IpRange range;
        try {
            range = IpRange.parse(f[2]);
        } catch (IllegalArgumentException e) {
            throw malformed(text, e.getMessage());
        }
        return new SecurityRule(allow, action, range, String.join(" ", f));
    }

    private static IllegalArgumentException malformed(String text, String why) {
        return new IllegalArgumentException("malformed security rule '" + text + "': " + why);
    }

    boolean matches(Client.Role role, String ip) {
        return action == role && range.contains(ip);
    }

    @Override
    public String toString() {
        return text;
    }
}
