package org.fluvia.security.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address or CIDR block (or "all") as a security rule names it. Parsing never does a
 * DNS lookup: anything but an address literal is rejected.
 */
final class IpRange {

    /** Matches every client. */
    static final IpRange ALL = new IpRange(null, 0);

    /** The network address, masked to {@link #prefix} bits; null for {@link #ALL}. */
    private final byte[] network;
    private final int prefix;

    private IpRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses {@code all}, an address ({@code 10.1.2.3}, {@code ::1}) or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}). */
    static IpRange parse(String text) {
        if (text.equals("all")) {
            return ALL;
        }
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] address = address(addressText);
        if (address == null) {
            throw new IllegalArgumentException("'" + addressText + "' is not an IPv4 or IPv6 address");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + p + "' is not a prefix length");
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("prefix /" + prefix + " is longer than the " + bits + " bits of " + addressText);
            }
        }
        return new IpRange(mask(address, prefix), prefix);
    }

    /** Whether {@code ip} (as {@link org.fluvia.media.api.Client#ip()} gives it) lies in this range. */
    boolean contains(String ip) {
        if (network == null) {
            return true;
        }
        byte[] address = ip == null ? null : address(ip);
        if (address == null || address.length != network.length) {
            return false;
        }
        byte[] masked = mask(address, prefix);
        return java.util.Arrays.equals(masked, network);
    }

    /**
     * The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal, or null. An IPv4-mapped IPv6
     * address ({@code ::ffff:10.1.2.3}) is its IPv4 address; a zone ({@code fe80::1%eth0}) is ignored.
     */
    static byte[] address(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        String literal = text;
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (literal.isEmpty() || !literal.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return null;
        }
        try {
            // Brackets make InetAddress treat it as an IPv6 literal: it throws instead of resolving a name.
            byte[] b = InetAddress.getByName("[" + literal + "]").getAddress();
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] m = address.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            m[i] &= (byte) (0xff << (8 - keep));
        }
        return m;
    }
}
