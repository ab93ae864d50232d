package org.fluvia.http.server.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.fluvia.http.server.HttpRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The last handler of a connection: answers CORS preflights, then asks the routes in ranking
 * order, then the static files, else 404. One request at a time: pipelined requests wait (with
 * reading paused) until the response before them has been written to the end.
 */
final class Dispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    static final String ALLOW_METHODS = "GET, HEAD, OPTIONS, POST, DELETE";

    private final ConnectionGuard guard;
    private final Supplier<HttpRoute[]> routes;
    private final StaticFiles files;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;

    /** @param files null when no directory is served */
    Dispatcher(ConnectionGuard guard, Supplier<HttpRoute[]> routes, StaticFiles files) {
        this.guard = guard;
        this.routes = routes;
        this.files = files;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (guard.isResponding() || !waiting.isEmpty()) {
            waiting.add(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        try {
            dispatch(request);
        } finally {
            request.release();
        }
    }

    /** Runs when a response has been written to its end: the next pipelined request may go. */
    private void responseDone() {
        while (!guard.isResponding() && ctx.channel().isActive()) {
            FullHttpRequest next = waiting.poll();
            if (next == null) {
                ctx.channel().config().setAutoRead(true);
                return;
            }
            try {
                dispatch(next);
            } finally {
                next.release();
            }
        }
    }

    /** Handles one request; the request stays owned by the caller. */
    private void dispatch(FullHttpRequest request) {
        guard.requestStarted(this::responseDone);
        if (request.decoderResult().isFailure()) {
            closeWith(HttpResponseStatus.BAD_REQUEST, request);
            return;
        }
        Exchange exchange;
        try {
            RequestPath.Target target = RequestPath.split(request.uri());
            if (HttpMethod.OPTIONS.equals(request.method())) {
                answerPreflight(request);
                return;
            }
            String path = RequestPath.decode(target.rawPath());
            Map<String, List<String>> parameters = target.rawQuery() == null || target.rawQuery().isEmpty()
                    ? Collections.emptyMap()
                    : new QueryStringDecoder(target.rawQuery(), false).parameters();
            exchange = new Exchange(ctx, request, path, parameters);
        } catch (RequestPath.Rejected e) {
            LOG.info("{} {} {}: {} {}", guard.client(), request.method(), request.uri(), e.status.code(), e.getMessage());
            errorPage(request, e.status);
            return;
        } catch (IllegalArgumentException e) { // a malformed query
            LOG.info("{} {} {}: 400 {}", guard.client(), request.method(), request.uri(), e.getMessage());
            errorPage(request, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        HttpRoute current = null;
        try {
            for (HttpRoute route : routes.get()) {
                current = route;
                if (route.handle(exchange)) {
                    return;
                }
            }
            current = null;
            if (files != null) {
                files.serve(exchange, guard.client()); // answers later, from the loop
                return;
            }
            exchange.respondError(HttpResponseStatus.NOT_FOUND, "404 Not Found");
        } catch (Exception | LinkageError e) {
            if (current != null) {
                LOG.error("{} {} {}: route {} failed", guard.client(), request.method(), request.uri(), current, e);
            } else {
                LOG.error("{} {} {}: failed", guard.client(), request.method(), request.uri(), e);
            }
            if (guard.isResponseStarted()) {
                ctx.close();
            } else {
                closeWith(HttpResponseStatus.INTERNAL_SERVER_ERROR, request);
            }
        }
    }

    private void answerPreflight(FullHttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, 86400)
                .set(HttpHeaderNames.ALLOW, ALLOW_METHODS)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.writeAndFlush(response);
    }

    private void errorPage(FullHttpRequest request, HttpResponseStatus status) {
        new Exchange(ctx, request, "/", Collections.emptyMap()).respondError(status, status.toString());
    }

    private void closeWith(HttpResponseStatus status, FullHttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
                ByteBufUtil.writeUtf8(ctx.alloc(), status + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("{} closed: {}", guard.client(), cause.toString());
        } else {
            LOG.warn("{} closed after an error", guard.client(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    private void releaseWaiting() {
        FullHttpRequest r;
        while ((r = waiting.poll()) != null) {
            r.release();
        }
    }
}
