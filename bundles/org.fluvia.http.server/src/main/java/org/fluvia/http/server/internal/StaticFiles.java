package org.fluvia.http.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Serves the files under one directory: GET and HEAD, single byte ranges, conditional GET, and
 * zero-copy bodies ({@link DefaultFileRegion}) so a big file never sits in memory and a slow client
 * only holds a file handle. Never serves anything whose real path lies outside the directory.
 *
 * <p>The file system is asked (real path, open, size, time) on a lookup executor, never on the
 * event loop: a slow disk would hold up every player on that loop. The answer is written on the loop.
 */
final class StaticFiles {

    private static final Logger LOG = LoggerFactory.getLogger(StaticFiles.class);

    private static final Map<String, String> MIME_TYPES = Map.ofEntries(
            Map.entry("flv", "video/x-flv"),
            Map.entry("m3u8", "application/vnd.apple.mpegurl"),
            Map.entry("ts", "video/mp2t"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "application/javascript"),
            Map.entry("css", "text/css"),
            Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"));

    private static final String DEFAULT_TYPE = "application/octet-stream";

    private final Path root;
    private final Executor lookups;
    private volatile Path realRoot;

    /**
     * @param dir the directory to serve; it may appear only later (an HLS muxer creates it)
     * @param lookups where the file system is asked; not an event loop
     */
    StaticFiles(Path dir, Executor lookups) {
        this.root = dir.toAbsolutePath().normalize();
        this.lookups = lookups;
    }

    /** A file found for a request, open. */
    private record Found(Path file, FileChannel channel, long size, long modified) {
    }

    static String mimeType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return DEFAULT_TYPE;
        }
        return MIME_TYPES.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT_TYPE);
    }

    /**
     * Answers a request no route took, on the event loop: the file, 404 when there is no such file under
     * the directory, 405 for a file and a method other than GET and HEAD. Looks the file up on the lookup
     * executor and answers when it has; the exchange's request is kept until then.
     */
    void serve(Exchange exchange, String client) {
        exchange.request().retain();
        try {
            lookups.execute(() -> lookUp(exchange, client));
        } catch (RejectedExecutionException stopping) {
            exchange.request().release();
            exchange.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable");
        }
    }

    /** On the lookup executor: finds and opens the file, then answers on the connection's loop. */
    private void lookUp(Exchange exchange, String client) {
        Found found = null;
        Exception failure = null;
        try {
            found = find(exchange.path(), client);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        Found f = found;
        Exception e = failure;
        try {
            exchange.ctx().executor().execute(() -> answer(exchange, client, f, e));
        } catch (RejectedExecutionException stopping) { // the connection's loop is gone
            closeQuietly(f);
            exchange.request().release();
        }
    }

    /** On the loop: writes what the lookup found; releases the request. */
    private void answer(Exchange exchange, String client, Found found, Exception failure) {
        boolean handedOver = false;
        HttpMethod method = exchange.request().method();
        try {
            if (!exchange.ctx().channel().isActive()) {
                return;
            }
            if (failure instanceof IOException) {
                LOG.warn("{} {} {}: cannot read the file: {}", client, method, exchange.request().uri(), failure.toString());
                exchange.respondError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500 Internal Server Error");
            } else if (failure != null) {
                LOG.error("{} {} {}: file lookup failed", client, method, exchange.request().uri(), failure);
                exchange.respondError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500 Internal Server Error");
            } else if (found == null) {
                exchange.respondError(HttpResponseStatus.NOT_FOUND, "404 Not Found");
            } else if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
                HttpHeaders allow = new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS");
                exchange.respond(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                        io.netty.buffer.ByteBufUtil.writeUtf8(exchange.ctx().alloc(), "405 Method Not Allowed\n"), allow);
            } else {
                handedOver = send(exchange, found);
            }
        } catch (RuntimeException e) {
            LOG.error("{} {} {}: failed", client, method, exchange.request().uri(), e);
            exchange.ctx().close();
        } finally {
            if (!handedOver) {
                closeQuietly(found);
            }
            exchange.request().release();
        }
    }

    /** The file for {@code path}, open, or null when there is none under the directory. */
    private Found find(String path, String client) throws IOException {
        Path file = resolve(path, client);
        if (file == null) {
            return null;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null; // deleted since resolve (an HLS segment leaving the window)
        }
        try {
            return new Found(file, channel, channel.size(), Files.getLastModifiedTime(file).toMillis());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void closeQuietly(Found found) {
        if (found != null) {
            try {
                found.channel().close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", found.file(), e.toString());
            }
        }
    }

    /** The real path of the file to serve, or null when there is none under the directory. */
    private Path resolve(String path, String client) throws IOException {
        Path rootReal = realRoot();
        if (rootReal == null) {
            return null;
        }
        Path candidate = root.resolve(path.substring(1)).normalize();
        if (!candidate.startsWith(root)) { // RequestPath already refused '..'; belt and braces
            return null;
        }
        if (Files.isDirectory(candidate)) {
            candidate = candidate.resolve("index.html");
        } else if (path.endsWith("/")) {
            return null;
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!real.startsWith(rootReal)) {
            LOG.warn("{} refused {}: it leads outside {}", client, path, rootReal);
            return null;
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(real)) {
            return null;
        }
        return real;
    }

    private Path realRoot() throws IOException {
        Path r = realRoot;
        if (r == null && Files.isDirectory(root)) {
            r = root.toRealPath();
            realRoot = r;
        }
        return r;
    }

    /** On the loop: writes the response; returns true when the file was handed to a file region (which closes it). */
    private boolean send(Exchange exchange, Found found) {
        long size = found.size();
        long modified = found.modified();
        String lastModified = DateFormatter.format(new Date(modified));
        HttpHeaders request = exchange.request().headers();
        ChannelHandlerContext ctx = exchange.ctx();

        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.LAST_MODIFIED, lastModified)
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        String name = found.file().getFileName().toString();
        if (name.endsWith(".m3u8")) {
            // The playlist changes every segment; players must always fetch the current one.
            headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        }

        String ifModifiedSince = request.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        Date since = ifModifiedSince == null ? null : DateFormatter.parseHttpDate(ifModifiedSince);
        if (since != null && modified / 1000 <= since.getTime() / 1000) {
            // With the length a 200 would have: keep-alive needs a self-delimited message.
            headers.set(HttpHeaderNames.CONTENT_LENGTH, size);
            exchange.respond(HttpResponseStatus.NOT_MODIFIED, null, null, headers);
            return false;
        }

        long start = 0;
        long length = size;
        HttpResponseStatus status = HttpResponseStatus.OK;
        String range = request.get(HttpHeaderNames.RANGE);
        String ifRange = request.get(HttpHeaderNames.IF_RANGE);
        if (range != null && (ifRange == null || ifRange.equals(lastModified))) {
            long[] r = parseRange(range, size);
            if (r == UNSATISFIABLE) {
                headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
                exchange.respond(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "text/plain; charset=utf-8",
                        io.netty.buffer.ByteBufUtil.writeUtf8(ctx.alloc(), "416 Range Not Satisfiable\n"), headers);
                return false;
            }
            if (r != null) {
                start = r[0];
                length = r[1] - r[0] + 1;
                status = HttpResponseStatus.PARTIAL_CONTENT;
                headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
            }
        }

        HttpResponse response = new DefaultHttpResponse(exchange.request().protocolVersion(), status);
        response.headers().add(headers)
                .set(HttpHeaderNames.CONTENT_TYPE, mimeType(name))
                .set(HttpHeaderNames.CONTENT_LENGTH, length);
        HttpUtil.setKeepAlive(response, exchange.isKeepAlive());
        ctx.write(response);
        boolean handedOver = false;
        if (!exchange.isHead() && length > 0) {
            ctx.write(new DefaultFileRegion(found.channel(), start, length));
            handedOver = true;
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        return handedOver;
    }

    private static final long[] UNSATISFIABLE = new long[0];

    /**
     * Parses one {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} range against a file of
     * {@code size} bytes.
     *
     * @return {first, last} inclusive; {@link #UNSATISFIABLE}; or null to ignore the header and
     *         send the whole file (malformed, several ranges, or another unit — as RFC 9110 allows)
     */
    static long[] parseRange(String header, long size) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long n = parseDigits(b);
                if (n == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new long[]{Math.max(0, size - n), size - 1};
            }
            long first = parseDigits(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : parseDigits(b);
            if (last < first) {
                return null;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new long[]{first, Math.min(last, size - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long parseDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new NumberFormatException(s);
            }
        }
        return Long.parseLong(s);
    }
}
