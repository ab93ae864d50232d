package org.fluvia.rtmp.server.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.fluvia.codec.rtmp.AcknowledgementHandler;
import org.fluvia.codec.rtmp.ChunkDecoder;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.HandshakeServerHandler;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.transport.EventLoops;
import org.fluvia.transport.ListenAddress;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listens for RTMP clients (SRS {@code listen}, {@code chunk_size}, {@code max_connections}) and
 * gives each connection a pipeline ending in an {@link RtmpSession}.
 */
@Component(configurationPid = RtmpServer.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = RtmpServer.class, immediate = true)
@Designate(ocd = RtmpServer.Config.class)
public class RtmpServer {

    static final String PID = "org.fluvia.rtmp.server";

    @ObjectClassDefinition(name = "Fluvia RTMP server", description = "RTMP listener for publishers and players (SRS listen, chunk_size, max_connections).")
    public @interface Config {
        @AttributeDefinition(name = "listen", description = "Ports or ip:port pairs to listen on, e.g. 1935 or 127.0.0.1:1935.")
        String[] listen() default {"1935"};

        @AttributeDefinition(name = "chunk_size", description = "Outgoing chunk size (128-65536).")
        int chunk__size() default 60000;

        @AttributeDefinition(name = "max_connections", description = "Connections beyond this are refused.")
        int max__connections() default 1000;

        @AttributeDefinition(name = "max_message_size", description = "Largest RTMP message accepted, in bytes.")
        int max__message__size() default 16 * 1024 * 1024;

        @AttributeDefinition(name = "handshake_timeout", description = "Seconds a client has to complete the handshake and connect.")
        int handshake__timeout() default 10;

        @AttributeDefinition(name = "publish_timeout", description = "Seconds without data after which a publisher is dropped.")
        int publish__timeout() default 20;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);

    @Reference
    EventLoops loops;

    @Reference
    StreamRegistry registry;

    @Reference
    ClientRegistry clients;

    private final AtomicInteger connections = new AtomicInteger();
    private final List<Channel> listeners = new ArrayList<>();
    private ChannelGroup channels;
    private Config config;

    @Activate
    void activate(Config config) throws InterruptedException {
        this.config = config;
        if (config.chunk__size() < 128 || config.chunk__size() > 65536) {
            throw new IllegalArgumentException("chunk_size must be within 128..65536, not " + config.chunk__size());
        }
        channels = new DefaultChannelGroup("rtmp-clients", GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.acceptorGroup(), loops.ioGroup())
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        try {
            for (String listen : config.listen()) {
                InetSocketAddress address = ListenAddress.parse(listen);
                Channel ch = b.bind(address).sync().channel();
                listeners.add(ch);
                LOG.info("RTMP listening on {}", ch.localAddress());
            }
        } catch (Exception e) {
            closeListeners();
            throw e;
        }
    }

    private void accept(SocketChannel ch) {
        long id = clients.nextId();
        int n = connections.incrementAndGet();
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        if (n > config.max__connections()) {
            LOG.warn("[client={} {}] refused: max_connections {} reached", id, ch.remoteAddress(), config.max__connections());
            ch.close();
            return;
        }
        channels.add(ch);
        ChunkDecoder decoder = new ChunkDecoder(config.max__message__size());
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(config.handshake__timeout(), 0, 0, TimeUnit.SECONDS));
        p.addLast("handshake", new HandshakeServerHandler());
        p.addLast("chunkDecoder", decoder);
        p.addLast("chunkEncoder", new ChunkEncoder());
        p.addLast("ack", new AcknowledgementHandler(decoder));
        p.addLast("session", new RtmpSession(id, registry, clients, decoder, config.chunk__size(), config.publish__timeout()));
    }

    int connectionCount() {
        return connections.get();
    }

    private void closeListeners() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        listeners.clear();
    }

    /** Fired at every session when the server stops: players and publishers are told before the close. */
    static final Object STOPPING = new Object() {
        @Override
        public String toString() {
            return "rtmp-server-stopping";
        }
    };

    @Deactivate
    void deactivate() {
        closeListeners();
        // Tell every client (players: NetStream.Play.Stop, publishers: NetStream.Unpublish.Success), then
        // close; the sessions close themselves once that is flushed, the group close below is the bound.
        for (Channel ch : channels) {
            ch.pipeline().fireUserEventTriggered(STOPPING);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
        while (!channels.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        LOG.info("RTMP server stopped");
    }
}
