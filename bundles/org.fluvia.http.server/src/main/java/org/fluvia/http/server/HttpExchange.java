package org.fluvia.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.osgi.annotation.versioning.ProviderType;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the server hands it to a route: the decoded path, the parameters, and
 * helpers for complete responses. A route that streams (HTTP-FLV) calls {@link #startStream}, then
 * {@link #writeChunk} as its data comes, and {@link #endStream}; the server adds CORS headers to every
 * response. (A route may still write its own chunked {@code HttpResponse} to {@link #ctx()}, its body as
 * {@code HttpContent}s or {@code writeChunk}s, and end with a {@code LastHttpContent}: the 2.0 way.)
 */
@ProviderType
public interface HttpExchange {

    /** The connection's context; write responses here, on its event loop. */
    ChannelHandlerContext ctx();

    /** The request; its body (small, bounded by the server) stays owned by the server. */
    FullHttpRequest request();

    /** The percent-decoded path, starting with '/', without the query, e.g. {@code /live/cam.flv}. */
    String path();

    /** The query parameters. */
    Map<String, List<String>> parameters();

    /** The first value of a query parameter, or null. */
    String parameter(String name);

    /** The request's Host header without the port, or null. */
    String host();

    boolean isHead();

    boolean isKeepAlive();

    /**
     * Sends a complete response (honouring HEAD and keep-alive). Takes ownership of {@code body}.
     *
     * @param headers extra headers, may be null
     */
    void respond(HttpResponseStatus status, String contentType, ByteBuf body, HttpHeaders headers);

    /** Sends a short plain-text error page and, for errors, closes the connection when it is not keep-alive. */
    void respondError(HttpResponseStatus status, String message);

    /**
     * Starts a streamed response with {@code head} (status and headers; the server sets the framing):
     * chunked for an HTTP/1.1 request; for an HTTP/1.0 one, which knows no chunks (nginx proxies with
     * HTTP/1.0 unless told otherwise), a body that ends when the connection closes, with
     * {@code Connection: close}. Not flushed: the first {@link #writeChunk} flushes. On the event loop.
     *
     * @since 2.1
     */
    void startStream(HttpResponse head);

    /**
     * Sends one piece of the response's body and flushes: {@code parts} in order, framed as one HTTP
     * chunk when the response is chunked. The framing and the parts go below the HTTP encoder as
     * separate buffers with one flush: one gathering write to the socket, no copy and no composite (an
     * {@code HttpContent} is three writes there, each with its own promise). After {@link #startStream}
     * a chunk's closing CRLF goes out in front of the next chunk's size line (or the end), one buffer
     * fewer per write, the same bytes. An empty list is only a flush: an empty HTTP chunk would end
     * the body. Takes ownership of every part (the list itself stays the caller's, to reuse); on the
     * event loop.
     */
    void writeChunk(List<ByteBuf> parts);

    /**
     * Whether {@link #startStream} made the body chunked (an HTTP/1.1 request): then
     * {@link #writeFramedChunks} may be used. False before it and for an HTTP/1.0 stream.
     *
     * @since 2.2
     */
    boolean isChunkedStream();

    /**
     * As {@link #writeChunk}, for parts that are each a whole HTTP chunk already (size line, data, CRLF;
     * see {@link #frameChunk}), such as one encoding that many responses share: written as they are,
     * with no framing of this write's own, so a write costs what it would without chunks. Only after
     * {@link #startStream} made the body chunked. Takes ownership of every part; on the event loop.
     *
     * @since 2.2
     */
    void writeFramedChunks(List<ByteBuf> chunks);

    /**
     * {@code data} framed as one HTTP chunk (its size in hex, CRLF, the data, CRLF) in a new buffer for
     * {@link #writeFramedChunks}; {@code data} is released. {@code data} must not be empty: an empty
     * chunk ends a body.
     *
     * @since 2.2
     */
    static ByteBuf frameChunk(ByteBufAllocator alloc, ByteBuf data) {
        try {
            int size = data.readableBytes();
            if (size == 0) {
                throw new IllegalArgumentException("an empty chunk would end the body");
            }
            String hex = Integer.toHexString(size);
            ByteBuf chunk = alloc.directBuffer(hex.length() + 4 + size);
            chunk.writeCharSequence(hex, java.nio.charset.StandardCharsets.US_ASCII);
            chunk.writeShort(0x0d0a);
            chunk.writeBytes(data, data.readerIndex(), size);
            chunk.writeShort(0x0d0a);
            return chunk;
        } finally {
            data.release();
        }
    }

    /**
     * Ends a response begun with {@link #startStream}: the last chunk (or nothing, when the body ends
     * with the connection) and a flush. The future completes when it is written; the route closes the
     * connection after it if it wants to. On the event loop.
     *
     * @since 2.1
     */
    ChannelFuture endStream();
}
