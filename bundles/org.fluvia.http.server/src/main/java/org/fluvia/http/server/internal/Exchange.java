package org.fluvia.http.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateHandler;
import org.fluvia.http.server.HttpExchange;

import java.util.List;
import java.util.Map;

/** One request as routes see it; lives for the duration of the dispatch on the event loop. */
final class Exchange implements HttpExchange {

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final String path;
    private final Map<String, List<String>> parameters;
    /** Made on the first {@link #writeChunk} of a response, then reused. */
    private ChannelFutureListener writeDone;

    /** The CRLF that ends every chunk, shared (never released). */
    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeByte('\r').writeByte('\n')).asReadOnly();
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    Exchange(ChannelHandlerContext ctx, FullHttpRequest request, String path, Map<String, List<String>> parameters) {
        this.ctx = ctx;
        this.request = request;
        this.path = path;
        this.parameters = parameters;
    }

    @Override
    public ChannelHandlerContext ctx() {
        return ctx;
    }

    @Override
    public FullHttpRequest request() {
        return request;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Map<String, List<String>> parameters() {
        return parameters;
    }

    @Override
    public String parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String host() {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null || host.isEmpty()) {
            return null;
        }
        if (host.startsWith("[")) { // IPv6 literal
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    @Override
    public boolean isHead() {
        return HttpMethod.HEAD.equals(request.method());
    }

    @Override
    public boolean isKeepAlive() {
        return HttpUtil.isKeepAlive(request);
    }

    /** Takes ownership of {@code body}: it is written, or released for HEAD. */
    @Override
    public void respond(HttpResponseStatus status, String contentType, ByteBuf body, HttpHeaders headers) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : body;
        int length = content.readableBytes();
        if (isHead()) {
            content.release();
            content = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status, content);
        if (headers != null) {
            response.headers().add(headers);
        }
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (status.code() != 304 && status.code() != 204) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        HttpUtil.setKeepAlive(response, isKeepAlive());
        ctx.writeAndFlush(response);
    }

    @Override
    public void respondError(HttpResponseStatus status, String message) {
        String text = message == null ? status.toString() : message;
        respond(status, "text/plain; charset=utf-8", ByteBufUtil.writeUtf8(ctx.alloc(), text + "\n"), null);
    }

    @Override
    public void writeChunk(CompositeByteBuf chunk) {
        int size = chunk.readableBytes();
        ChannelHandlerContext codec = ctx.pipeline().context(HttpServerComponent.CODEC);
        if (size == 0 || codec == null) { // nothing to send, or the connection is being torn down
            chunk.release();
            ctx.flush();
            return;
        }
        // Direct like the rest, or the socket would copy the whole composite into one direct buffer.
        ByteBuf sizeLine = ctx.alloc().directBuffer(10);
        for (int shift = (31 - Integer.numberOfLeadingZeros(size)) & ~3; shift >= 0; shift -= 4) {
            sizeLine.writeByte(HEX[(size >>> shift) & 0xF]);
        }
        sizeLine.writeByte('\r').writeByte('\n');
        chunk.addComponent(true, 0, sizeLine);
        chunk.addComponent(true, CRLF.duplicate());
        // From the codec's context, so the chunk passes only the handlers below it (TLS when there is one).
        if (ctx.pipeline().get(HttpServerComponent.IDLE) instanceof IdleStateHandler idle) {
            // The idle handler sits above the codec and does not see this write; it learns of it when
            // the write completes, as it would itself: a slow client is active as long as its writes
            // complete, one that stopped reading is closed as writer-idle with bytes pending.
            if (writeDone == null) {
                writeDone = f -> idle.resetWriteTimeout();
            }
            codec.writeAndFlush(chunk).addListener(writeDone);
        } else {
            codec.writeAndFlush(chunk, codec.voidPromise());
        }
    }
}
