package org.fluvia.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.fluvia.codec.flv.FlvTag;
import org.fluvia.codec.flv.FlvTags;

/** HTTP-FLV player parts: the response unwrapper (HTTP content in, FLV bytes out) and the tag counter. */
final class HttpFlvPlayer {

    private HttpFlvPlayer() {
    }

    /** Sends the GET, checks the status and passes the body bytes on to the FLV decoder; sits after HttpClientCodec. */
    static final class Unwrap extends ChannelInboundHandlerAdapter {
        private final ClientStats stats;
        private final LoadRun run;
        private final String host;
        private final String path;

        Unwrap(ClientStats stats, LoadRun run, String host, String path) {
            this.stats = stats;
            this.run = run;
            this.host = host;
            this.path = path;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            stats.connectedNanos = System.nanoTime();
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            request.headers().set(HttpHeaderNames.HOST, host);
            ctx.writeAndFlush(request);
            super.channelActive(ctx);
        }

        /** Takes ownership of {@code msg}: passes a content's bytes on (retained), releases the rest. */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    if (response.status().code() != 200) {
                        stats.fail("HTTP " + response.status().code() + " for " + path);
                        ctx.close();
                        return;
                    }
                    stats.playingNanos = System.nanoTime();
                }
                if (msg instanceof HttpContent content) {
                    stats.addBytes(content.content().readableBytes());
                    if (content.content().isReadable()) {
                        ctx.fireChannelRead(content.content().retain());
                    }
                    if (content instanceof LastHttpContent && !run.ending()) {
                        stats.fail("the server ended the response");
                        ctx.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!run.ending()) {
                stats.closedEarly = true;
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!run.ending()) {
                stats.fail(cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
            ctx.close();
        }
    }

    /** Counts FLV tags from the FlvDecoder before it. */
    static final class Tags extends ChannelInboundHandlerAdapter {
        private final ClientStats stats;
        private final LoadRun run;

        Tags(ClientStats stats, LoadRun run) {
            this.stats = stats;
            this.run = run;
        }

        /** Takes ownership of {@code msg} and releases it. */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FlvTag tag) {
                    long now = System.nanoTime();
                    if (tag.type() == FlvTags.VIDEO) {
                        stats.onVideo(tag.timestamp(), tag.body(), now, run);
                    } else {
                        stats.onMedia(now);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
