package org.fluvia.edge.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.ChunkDecoder;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.Command;
import org.fluvia.codec.rtmp.HandshakeServerHandler;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.codec.rtmp.RtmpMessage;
import org.fluvia.codec.rtmp.StatusObjects;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** An RTMP server that rejects every connect with an SRS-style redirect to another server. */
final class RedirectServer implements AutoCloseable {

    private final Channel channel;
    final AtomicInteger connects = new AtomicInteger();

    RedirectServer(EventLoopGroup group, String redirectTo) throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HandshakeServerHandler(), new ChunkDecoder(), new ChunkEncoder(),
                                new SimpleChannelInboundHandler<RtmpMessage>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage m) throws Exception {
                                        if (m.typeId() != MessageType.COMMAND_AMF0) {
                                            return;
                                        }
                                        Command c = Command.decode(m);
                                        if (!c.name().equals("connect")) {
                                            return;
                                        }
                                        connects.incrementAndGet();
                                        AmfObject info = StatusObjects.status("error", "NetConnection.Connect.Rejected", "moved");
                                        info.put("ex", AmfObject.of("code", 302.0, "redirect", redirectTo));
                                        ctx.writeAndFlush(StatusObjects.error(c.transactionId(), null, info).toMessage(ctx.alloc(), 3, 0));
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    String address() {
        return "127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
