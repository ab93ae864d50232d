package org.fluvia.codec.rtmp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An RTMP address split the way SRS splits it: host, port, app, stream and the query parameters,
 * with the vhost taken from a {@code vhost=} (or {@code domain=}) parameter when present, the host
 * otherwise.
 *
 * @param host   the host from the URL (an IP address or a name)
 * @param port   the port, 1935 when the URL names none
 * @param app    the application, possibly with slashes ({@code live} or {@code a/b}), without query
 * @param stream the stream name without query, or empty when the URL names only the app (a tcUrl)
 * @param params the query parameters of the app and the stream, the stream's winning
 */
public record RtmpUrl(String host, int port, String app, String stream, Map<String, String> params) {

    public static final int DEFAULT_PORT = 1935;

    public RtmpUrl {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * Parses {@code rtmp://host[:port]/app[/stream][?query]}; the last path segment is the stream when
     * {@code withStream} is true, otherwise the whole path is the app (a tcUrl).
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static RtmpUrl parse(String url, boolean withStream) {
        if (url == null) {
            throw new IllegalArgumentException("no RTMP URL");
        }
        String rest = url.trim();
        int scheme = rest.indexOf("://");
        if (scheme < 0) {
            throw new IllegalArgumentException("not an RTMP URL (no scheme): '" + url + "'");
        }
        String protocol = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
        if (!protocol.equals("rtmp")) {
            throw new IllegalArgumentException("unsupported scheme '" + protocol + "' in '" + url + "'");
        }
        rest = rest.substring(scheme + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String host = authority;
        int port = DEFAULT_PORT;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']') < colon) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in '" + url + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range in '" + url + "'");
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host in '" + url + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        String app;
        String stream = "";
        if (withStream) {
            int lastSlash = path.lastIndexOf('/', queryStart(path) - 1);
            if (lastSlash < 0) {
                throw new IllegalArgumentException("no stream name in '" + url + "'");
            }
            app = stripQuery(path.substring(0, lastSlash), params);
            stream = stripQuery(path.substring(lastSlash + 1), params);
        } else {
            app = stripQuery(path, params);
        }
        return new RtmpUrl(host, port, trimSlashes(app), stream, params);
    }

    private static int queryStart(String s) {
        int q = s.indexOf('?');
        return q < 0 ? s.length() : q;
    }

    /** Returns {@code s} before its {@code ?}, adding the query's parameters to {@code params}. */
    public static String stripQuery(String s, Map<String, String> params) {
        int q = s.indexOf('?');
        if (q < 0) {
            return s;
        }
        for (String pair : s.substring(q + 1).split("[&?]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(decode(k), decode(v));
        }
        return s.substring(0, q);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String trimSlashes(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '/') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == '/') {
            e--;
        }
        return s.substring(b, e);
    }

    /** The vhost the client asks for: the {@code vhost}/{@code domain} parameter, or the host. */
    public String vhost() {
        String v = params.get("vhost");
        if (v == null || v.isEmpty()) {
            v = params.get("domain");
        }
        return v == null || v.isEmpty() ? host : v;
    }

    /** {@code rtmp://host:port/app}, what a client sends as tcUrl. */
    public String tcUrl() {
        return "rtmp://" + host + ":" + port + "/" + app;
    }
}
