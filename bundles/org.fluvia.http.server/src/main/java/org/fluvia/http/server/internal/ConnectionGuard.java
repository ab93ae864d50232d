package org.fluvia.http.server.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the HTTP codec, so it sees every request and every response of one connection:
 * refuses requests the decoder could not parse, adds the CORS header to every response, knows
 * whether a response is in flight, and closes connections that are idle or whose client stopped reading.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final String client;
    private boolean responding;
    private boolean responseStarted;
    private boolean broken;
    private Runnable onResponseDone;

    ConnectionGuard(String client) {
        this.client = client;
    }

    /** The log prefix naming this connection, e.g. {@code [http server client=7 /127.0.0.1:5012]}. */
    String client() {
        return client;
    }

    /** Called by the dispatcher when it hands a request to a route or the static files. */
    void requestStarted(Runnable whenDone) {
        responding = true;
        responseStarted = false;
        onResponseDone = whenDone;
    }

    boolean isResponding() {
        return responding;
    }

    boolean isResponseStarted() {
        return responseStarted;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (broken) {
            ReferenceCountUtil.release(msg);
            return;
        }
        DecoderResult result = msg instanceof HttpObject ? ((HttpObject) msg).decoderResult() : DecoderResult.SUCCESS;
        if (result.isFailure()) {
            ReferenceCountUtil.release(msg);
            broken = true;
            refuse(ctx, result.cause());
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, Throwable cause) {
        HttpResponseStatus status;
        if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        } else if (cause instanceof TooLongFrameException) {
            status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
        }
        LOG.warn("{} refused with {}: {}", client, status.code(), cause == null ? "malformed request" : cause.getMessage());
        if (responding) {
            // A response is on its way; an error page now would be mistaken for (part of) it.
            ctx.close();
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), status + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (!response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
                response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            }
            if (response.status().codeClass() != io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                responseStarted = true;
            }
        }
        ctx.write(msg, promise);
        if (msg instanceof LastHttpContent && responseStarted) {
            responding = false;
            responseStarted = false;
            Runnable done = onResponseDone;
            onResponseDone = null;
            if (done != null) {
                // Not from inside this write: the next request's route would run nested in this one's.
                ctx.executor().execute(done);
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            // A response still in the outbound buffer is in flight too: that is the writer-idle case.
            if (idle.state() == IdleState.READER_IDLE && !responding && pendingOutboundBytes(ctx) == 0) {
                LOG.debug("{} closed: idle keep-alive connection", client);
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE && pendingOutboundBytes(ctx) > 0) {
                LOG.info("{} closed: the client stopped reading", client);
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static long pendingOutboundBytes(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
