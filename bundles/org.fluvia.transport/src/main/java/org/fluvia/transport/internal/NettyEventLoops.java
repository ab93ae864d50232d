package org.fluvia.transport.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.fluvia.transport.EventLoops;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/** Starts the node's event loop groups on activation and stops them, waiting, on deactivation. */
@Component(service = EventLoops.class, configurationPid = "org.fluvia.transport")
@Designate(ocd = NettyEventLoops.Config.class)
public class NettyEventLoops implements EventLoops {

    @ObjectClassDefinition(name = "Fluvia transport", description = "Netty event loops shared by all servers and clients.")
    public @interface Config {
        @AttributeDefinition(name = "I/O threads", description = "Event loop threads for connection I/O; 0 means one per core.")
        int io__threads() default 0;

        @AttributeDefinition(name = "Native transport", description = "Use epoll when available.")
        boolean native__transport() default true;
    }

    private static final Logger LOG = LoggerFactory.getLogger(NettyEventLoops.class);

    private EventLoopGroup acceptor;
    private EventLoopGroup io;
    private boolean epoll;

    @Activate
    void activate(Config config) {
        epoll = config.native__transport() && epollAvailable();
        int threads = config.io__threads() > 0 ? config.io__threads() : Runtime.getRuntime().availableProcessors();
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fluvia-accept", true), handlerFactory());
        io = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("fluvia-io", true), handlerFactory());
        LOG.info("transport: {} with {} I/O threads", epoll ? "epoll" : "nio", threads);
    }

    private static boolean epollAvailable() {
        try {
            return Epoll.isAvailable();
        } catch (Throwable t) { // the native fragment may be absent
            return false;
        }
    }

    private IoHandlerFactory handlerFactory() {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    @Deactivate
    void deactivate() {
        // Wait for the threads to end, so a restarted bundle finds its ports and threads free.
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Override
    public EventLoopGroup acceptorGroup() {
        return acceptor;
    }

    @Override
    public EventLoopGroup ioGroup() {
        return io;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    @Override
    public Class<? extends SocketChannel> channelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public boolean isNative() {
        return epoll;
    }
}
