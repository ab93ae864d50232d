package org.fluvia.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's Netty event loop groups and matching channel types (epoll when the native transport is
 * available, NIO otherwise). Servers and clients share them rather than each starting threads.
 * Users must not shut the groups down.
 */
@ProviderType
public interface EventLoops {

    /** Accepts connections for every listening socket. */
    EventLoopGroup acceptorGroup();

    /** Runs all connection I/O. */
    EventLoopGroup ioGroup();

    Class<? extends ServerSocketChannel> serverChannelType();

    Class<? extends SocketChannel> channelType();

    /** Whether the groups use the native epoll transport. */
    boolean isNative();
}
