package org.fluvia.edge.internal;

import org.fluvia.media.api.StreamKey;

/** One entry of the edge's origin list: {@code host}, {@code host:port} or {@code [v6]:port}. */
record Origin(String host, int port) {

    static final int DEFAULT_PORT = 1935;

    /**
     * Parses an origin as SRS writes it ({@code 127.0.0.1:1935}, {@code origin.example}).
     *
     * @throws IllegalArgumentException when the entry is not a host with an optional port 1..65535
     */
    static Origin parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty origin");
        }
        String host = s;
        int port = DEFAULT_PORT;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("origin '" + spec + "': unclosed [ of an IPv6 address");
            }
            host = s.substring(1, end);
            String rest = s.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("origin '" + spec + "': expected :port after ]");
                }
                port = port(spec, rest.substring(1));
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0) {
                if (s.indexOf(':') != colon) {
                    throw new IllegalArgumentException("origin '" + spec + "': write an IPv6 address as [addr]:port");
                }
                host = s.substring(0, colon);
                port = port(spec, s.substring(colon + 1));
            }
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '?')) {
            throw new IllegalArgumentException("origin '" + spec + "': bad host name");
        }
        return new Origin(host, port);
    }

    private static int port(String spec, String p) {
        try {
            int port = Integer.parseInt(p);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("origin '" + spec + "': port must be 1..65535, got '" + p + "'");
    }

    /**
     * The RTMP URL of {@code key} on this origin, dialled at {@code address} (the resolved host); the
     * vhost travels as {@code ?vhost=} because the origin does not know our address as a vhost name.
     */
    String url(String address, StreamKey key) {
        String h = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return "rtmp://" + h + ":" + port + "/" + key.app() + "/" + key.stream()
                + (key.isDefaultVhost() ? "" : "?vhost=" + key.vhost());
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
