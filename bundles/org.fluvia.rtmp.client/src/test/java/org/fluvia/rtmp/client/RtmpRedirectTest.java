package org.fluvia.rtmp.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.ChunkDecoder;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.Command;
import org.fluvia.codec.rtmp.HandshakeServerHandler;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.codec.rtmp.RtmpMessage;
import org.fluvia.codec.rtmp.StatusObjects;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A server that rejects connect with an SRS-style redirect: the client reports where to go. */
class RtmpRedirectTest {

    @Test
    void rejectedConnectWithRedirectNamesTheOtherServer() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HandshakeServerHandler(), new ChunkDecoder(), new ChunkEncoder(),
                                    new SimpleChannelInboundHandler<RtmpMessage>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage m) throws Exception {
                                            if (m.typeId() != MessageType.COMMAND_AMF0 || !Command.decode(m).name().equals("connect")) {
                                                return;
                                            }
                                            AmfObject info = StatusObjects.status("error", "NetConnection.Connect.Rejected", "go elsewhere");
                                            info.put("ex", AmfObject.of("code", 302.0, "redirect", "rtmp://127.0.0.2:1936/live"));
                                            ctx.writeAndFlush(StatusObjects.error(Command.decode(m).transactionId(), null, info)
                                                    .toMessage(ctx.alloc(), 3, 0));
                                        }
                                    });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            RtmpClient client = new RtmpClient(group, NioSocketChannel.class);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> client.play("rtmp://127.0.0.1:" + port + "/live/cam", m -> m.release()).get(10, TimeUnit.SECONDS));
            RtmpRedirectException redirect = assertInstanceOf(RtmpRedirectException.class, e.getCause());
            assertEquals("rtmp://127.0.0.2:1936/live", redirect.redirect());
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
