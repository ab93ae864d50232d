package org.fluvia.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Counts the bytes a channel reads into its client's stats; first in the pipeline, passes everything on. */
final class ByteCounter extends ChannelInboundHandlerAdapter {

    private final ClientStats stats;

    ByteCounter(ClientStats stats) {
        this.stats = stats;
    }

    /** Passes {@code msg} on with its ownership. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            stats.addBytes(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
