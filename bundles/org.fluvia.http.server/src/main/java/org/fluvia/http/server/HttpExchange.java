package org.fluvia.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.osgi.annotation.versioning.ProviderType;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the server hands it to a route: the decoded path, the parameters, and
 * helpers for complete responses. A route that streams (HTTP-FLV) writes its own
 * {@code HttpResponse} to {@link #ctx()}, its body as {@code HttpContent}s or {@link #writeChunk}s, and
 * ends with a {@code LastHttpContent}; the server adds CORS headers to every response.
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
     * Sends one chunk of a chunked response whose head has gone out on {@code ctx()}, and flushes.
     * The chunk is {@code parts} in order; its size line, each part and the closing CRLF go below the
     * HTTP encoder as separate buffers with one flush: one gathering write to the socket, no copy and
     * no composite (an {@code HttpContent} is three writes there, each with its own promise). An
     * empty chunk is only a flush: an empty HTTP chunk would end the body. Takes ownership of every
     * part (the list itself stays the caller's, to reuse); on the event loop.
     */
    void writeChunk(List<ByteBuf> parts);
}
