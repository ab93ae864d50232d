package org.fluvia.http.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
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
    /** Bytes the channel still held after the last {@link #writeChunk}'s flush. */
    private long pendingAfterLastWrite;
    /** The HTTP codec's context and the idle handler, found on the first {@link #writeChunk}. */
    private boolean chunking;
    private ChannelHandlerContext codec;
    private IdleStateHandler idle;
    /** How {@link #writeChunk} frames the body. */
    private enum Framing {
        /** The route wrote its own chunked head and ends with a LastHttpContent: each chunk carries its CRLF. */
        CHUNKS_WITH_CRLF,
        /** Begun with {@link #startStream}: a chunk's CRLF goes out in front of the next size line or the end. */
        CHUNKS_CRLF_DEFERRED,
        /** An HTTP/1.0 stream: no framing, the body ends with the connection. */
        NONE
    }

    private Framing framing = Framing.CHUNKS_WITH_CRLF;
    /** The last chunk's CRLF has not gone out yet (deferred framing). */
    private boolean crlfOwed;
    /** Where the chunks' size lines are written, each chunk taking a slice; see {@link #sizeLine}. */
    private ByteBuf sizeLines;
    /** CRLF owed by the last chunk, eight hex digits and CRLF. */
    private static final int MAX_SIZE_LINE = 12;
    private static final int SIZE_LINES_CAPACITY = 1024;

    private static final byte[] CRLF_BYTES = {'\r', '\n'};
    private final byte[] lineScratch = new byte[MAX_SIZE_LINE];
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
    public void startStream(HttpResponse head) {
        HttpHeaders headers = head.headers();
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        if (request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0) {
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            framing = Framing.NONE;
        } else {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            framing = Framing.CHUNKS_CRLF_DEFERRED;
        }
        ctx.write(head);
    }

    @Override
    public ChannelFuture endStream() {
        if (crlfOwed) {
            crlfOwed = false;
            if (codec != null && !codec.isRemoved()) {
                codec.write(slice(CRLF_BYTES, 2), codec.voidPromise());
            }
        }
        // Through the encoder, which writes the last chunk (or nothing for a body without framing).
        return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Override
    public boolean isChunkedStream() {
        return framing == Framing.CHUNKS_CRLF_DEFERRED;
    }

    @Override
    public void writeChunk(List<ByteBuf> parts) {
        write(parts, true);
    }

    @Override
    public void writeFramedChunks(List<ByteBuf> chunks) {
        if (!isChunkedStream()) {
            for (int i = 0, n = chunks.size(); i < n; i++) {
                chunks.get(i).release();
            }
            throw new IllegalStateException("framed chunks need a chunked stream (startStream on HTTP/1.1)");
        }
        write(chunks, false);
    }

    /** Writes {@code parts} below the codec and flushes: framed here as one chunk, or ({@code frame} false) framed already. */
    private void write(List<ByteBuf> parts, boolean frame) {
        int size = 0;
        for (int i = 0, n = parts.size(); i < n; i++) {
            size += parts.get(i).readableBytes();
        }
        if (!chunking) {
            chunking = true;
            codec = ctx.pipeline().context(HttpServerComponent.CODEC);
            idle = ctx.pipeline().get(HttpServerComponent.IDLE) instanceof IdleStateHandler h ? h : null;
            // notified on the channel's event loop, where writeChunk runs too
            ctx.channel().closeFuture().addListener(f -> releaseSizeLines());
        }
        Channel ch = ctx.channel();
        if (size == 0 || codec == null || codec.isRemoved() || !ch.isActive()) {
            // nothing to send, or the connection is being torn down
            for (int i = 0, n = parts.size(); i < n; i++) {
                parts.get(i).release();
            }
            ctx.flush();
            return;
        }
        // The idle handler sits above the codec and does not see these writes, so it is told of the
        // progress it would have seen: a slow client is active as long as its writes complete, one
        // that stopped reading is closed as writer-idle with bytes pending. Progress is read from the
        // outbound buffer, not from a promise per write (that was a tenth of the HTTP-FLV fan-out): a
        // write done within its flush, or fewer bytes pending now than after the last write.
        if (idle != null && pendingBytes(ch) < pendingAfterLastWrite) {
            idle.resetWriteTimeout();
        }
        // From the codec's context, so the chunk passes only the handlers below it (TLS when there is one).
        if (frame && framing != Framing.NONE) {
            codec.write(sizeLine(size), codec.voidPromise());
        } else if (!frame && crlfOwed) {
            codec.write(slice(CRLF_BYTES, 2), codec.voidPromise()); // the chunk before was framed here
        }
        for (int i = 0, n = parts.size(); i < n; i++) {
            codec.write(parts.get(i), codec.voidPromise());
        }
        if (frame && framing == Framing.CHUNKS_WITH_CRLF) {
            codec.write(slice(CRLF_BYTES, 2), codec.voidPromise());
        }
        crlfOwed = frame && framing == Framing.CHUNKS_CRLF_DEFERRED;
        codec.flush();
        if (idle != null) {
            pendingAfterLastWrite = pendingBytes(ch);
            if (pendingAfterLastWrite == 0) {
                idle.resetWriteTimeout();
            }
        }
    }

    private static long pendingBytes(Channel ch) {
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /**
     * A retained slice of this response's size-line buffer holding the CRLF the last chunk owes (if it
     * does), {@code size} in hex and CRLF. One pooled buffer serves many chunks: taking one from the
     * allocator per chunk (and the leak detector's sampling of it) was a few per cent of the HTTP-FLV
     * fan-out.
     */
    private ByteBuf sizeLine(int size) {
        byte[] line = lineScratch;
        int at = 0;
        if (crlfOwed) {
            line[at++] = '\r';
            line[at++] = '\n';
        }
        int digits = (35 - Integer.numberOfLeadingZeros(size)) >> 2; // size > 0: ceil(bits / 4)
        for (int i = at + digits - 1, v = size; i >= at; i--, v >>>= 4) {
            line[i] = HEX[v & 0xF];
        }
        at += digits;
        line[at++] = '\r';
        line[at++] = '\n';
        return slice(line, at);
    }

    private ByteBuf slice(byte[] bytes, int length) {
        if (sizeLines == null || sizeLines.writableBytes() < length) {
            if (sizeLines != null) {
                sizeLines.release(); // the slices still in flight keep it until they are written
            }
            // Direct like the rest, or the socket would copy the whole composite into one direct buffer.
            sizeLines = ctx.alloc().directBuffer(SIZE_LINES_CAPACITY);
        }
        int from = sizeLines.writerIndex();
        sizeLines.writeBytes(bytes, 0, length); // one bounds check, not one per byte
        // A sampled (leak-tracked) buffer's retained slices are each tracked with two stack traces; a
        // plain slice of it shares its tracking (see MediaMessage.encodedDuplicate).
        return sizeLines.unwrap() == null ? sizeLines.retainedSlice(from, length) : sizeLines.retain().slice(from, length);
    }

    private void releaseSizeLines() {
        if (sizeLines != null) {
            sizeLines.release();
            sizeLines = null;
        }
    }
}
