package org.fluvia.http.server.internal;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a request target into the decoded, normalized path routes and static files see, refusing
 * anything that could name a file outside the served directory.
 */
final class RequestPath {

    /** A request target that cannot be served; {@link #status} says how to answer. */
    static final class Rejected extends Exception {
        final HttpResponseStatus status;

        Rejected(HttpResponseStatus status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    /** The path part of the target and its raw query (null when absent). */
    record Target(String rawPath, String rawQuery) {
    }

    private RequestPath() {
    }

    /** Splits origin-form ({@code /a?b}) or absolute-form ({@code http://h/a?b}) targets; drops a fragment. */
    static Target split(String uri) throws Rejected {
        String s = uri;
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        if (!s.startsWith("/")) {
            int scheme = s.indexOf("://");
            if (scheme <= 0) {
                throw new Rejected(HttpResponseStatus.BAD_REQUEST, "request target is not a path");
            }
            int slash = s.indexOf('/', scheme + 3);
            int query = s.indexOf('?', scheme + 3);
            if (slash < 0 || (query >= 0 && query < slash)) {
                s = "/" + (query >= 0 ? s.substring(query) : "");
            } else {
                s = s.substring(slash);
            }
        }
        int q = s.indexOf('?');
        return q < 0 ? new Target(s, null) : new Target(s.substring(0, q), s.substring(q + 1));
    }

    /**
     * Percent-decodes (UTF-8) and normalizes a raw path: repeated slashes and {@code .} segments go;
     * {@code ..} segments, encoded slashes, backslashes and NUL are refused (403); malformed
     * escapes or UTF-8 are refused (400). A trailing slash is kept.
     */
    static String decode(String rawPath) throws Rejected {
        byte[] bytes = new byte[rawPath.length()];
        int n = 0;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    throw new Rejected(HttpResponseStatus.BAD_REQUEST, "truncated %-escape in path");
                }
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new Rejected(HttpResponseStatus.BAD_REQUEST, "malformed %-escape in path");
                }
                int b = hi << 4 | lo;
                if (b == '/' || b == '\\' || b == 0) {
                    throw new Rejected(HttpResponseStatus.FORBIDDEN, "encoded '/', '\\' or NUL in path");
                }
                bytes[n++] = (byte) b;
                i += 2;
            } else if (c == '\\' || c == 0) {
                throw new Rejected(HttpResponseStatus.FORBIDDEN, "'\\' or NUL in path");
            } else if (c > 0xFF) {
                throw new Rejected(HttpResponseStatus.BAD_REQUEST, "invalid character in path");
            } else {
                bytes[n++] = (byte) c;
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new Rejected(HttpResponseStatus.BAD_REQUEST, "path is not UTF-8");
        }
        return normalize(decoded);
    }

    private static String normalize(String path) throws Rejected {
        StringBuilder out = new StringBuilder(path.length() + 1);
        boolean trailingSlash = path.endsWith("/") || path.endsWith("/.");
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            String segment = path.substring(start, end);
            if (segment.equals("..")) {
                throw new Rejected(HttpResponseStatus.FORBIDDEN, "'..' segment in path");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                out.append('/').append(segment);
            }
            start = end + 1;
        }
        if (out.length() == 0) {
            return "/";
        }
        if (trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }
}
