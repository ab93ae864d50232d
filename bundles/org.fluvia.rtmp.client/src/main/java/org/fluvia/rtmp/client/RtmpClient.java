package org.fluvia.rtmp.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.fluvia.codec.rtmp.AcknowledgementHandler;
import org.fluvia.codec.rtmp.ChunkDecoder;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.HandshakeClientHandler;
import org.fluvia.codec.rtmp.RtmpUrl;
import org.fluvia.rtmp.client.internal.ClientSession;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Opens outbound RTMP connections that play or publish one stream each, on the given event loops.
 */
public final class RtmpClient {

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final Duration connectTimeout;
    private final Duration commandTimeout;

    public RtmpClient(EventLoopGroup group, Class<? extends SocketChannel> channelType) {
        this(group, channelType, Duration.ofSeconds(3), Duration.ofSeconds(10));
    }

    /**
     * @param connectTimeout how long the TCP connect may take
     * @param commandTimeout how long the handshake, connect and play/publish may take in all
     */
    public RtmpClient(EventLoopGroup group, Class<? extends SocketChannel> channelType, Duration connectTimeout, Duration commandTimeout) {
        this.group = Objects.requireNonNull(group);
        this.channelType = Objects.requireNonNull(channelType);
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
    }

    /**
     * Plays {@code url} ({@code rtmp://host[:port]/app/stream[?params]}). The future completes when the
     * server answered {@code NetStream.Play.Start}; media then flows to {@code listener}.
     */
    public CompletableFuture<RtmpClientSession> play(String url, MediaListener listener) {
        return open(RtmpUrl.parse(url, true), Objects.requireNonNull(listener));
    }

    /**
     * Publishes to {@code url}. The future completes when the server answered
     * {@code NetStream.Publish.Start}; then {@link RtmpClientSession#send} the stream's messages,
     * metadata and sequence headers first.
     */
    public CompletableFuture<RtmpClientSession> publish(String url) {
        return open(RtmpUrl.parse(url, true), null);
    }

    private CompletableFuture<RtmpClientSession> open(RtmpUrl url, MediaListener listener) {
        CompletableFuture<RtmpClientSession> ready = new CompletableFuture<>();
        ClientSession session = new ClientSession(url, listener, ready, commandTimeout);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChunkDecoder decoder = new ChunkDecoder(ClientSession.MAX_MESSAGE_SIZE);
                        ch.pipeline().addLast("handshake", new HandshakeClientHandler());
                        ch.pipeline().addLast("chunkDecoder", decoder);
                        ch.pipeline().addLast("chunkEncoder", new ChunkEncoder());
                        ch.pipeline().addLast("ack", new AcknowledgementHandler(decoder));
                        ch.pipeline().addLast("session", session);
                    }
                });
        ChannelFuture f = b.connect(url.host(), url.port());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                ready.completeExceptionally(done.cause());
            }
        });
        Channel ch = f.channel();
        ready.whenComplete((s, e) -> {
            if (e != null) {
                ch.close();
            }
        });
        return ready;
    }
}
