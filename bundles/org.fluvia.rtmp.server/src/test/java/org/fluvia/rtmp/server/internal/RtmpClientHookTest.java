package org.fluvia.rtmp.server.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.media.api.AccessDeniedException;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientHook;
import org.fluvia.media.api.StreamKey;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.testkit.Components;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The RTMP server passes publishes and plays through the client hooks and registers its clients. */
class RtmpClientHookTest {

    private TestNode node;
    private MultiThreadIoEventLoopGroup group;
    private RtmpClient client;
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = new TestNode();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        client = new RtmpClient(group, NioSocketChannel.class);
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        node.close();
    }

    /** Refuses streams named "secret", answering later from another thread like an HTTP callback. */
    private final ClientHook hook = new ClientHook() {
        private CompletionStage<Void> decide(Client c, String what) {
            heard.add(what + " " + c.stream().stream() + " " + c.protocol() + " " + c.ip() + " param=" + c.param());
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                    .thenCompose(v -> c.stream().stream().equals("secret")
                            ? CompletableFuture.failedFuture(new AccessDeniedException("secret streams are not allowed"))
                            : CompletableFuture.completedFuture(null));
        }

        @Override
        public CompletionStage<Void> onPublish(Client c) {
            return decide(c, "publish");
        }

        @Override
        public CompletionStage<Void> onPlay(Client c) {
            return decide(c, "play");
        }

        @Override
        public void onUnpublish(Client c) {
            heard.add("unpublish " + c.stream().stream());
        }

        @Override
        public void onStop(Client c) {
            heard.add("stop " + c.stream().stream());
        }
    };

    @Test
    void refusedPublishFailsWithRejectedAndAllowedOneStarts() throws Exception {
        Components.call(node.clients, "addHook", hook, Map.of("service.id", 1L));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.publish(node.url("live", "secret")).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("NetStream.Publish.Rejected"), e.getCause().getMessage());
        assertNull(node.hub.stream(StreamKey.of("live", "secret")));

        RtmpClientSession pub = client.publish(node.url("live", "open?token=t1")).get(10, TimeUnit.SECONDS);
        assertTrue(node.hub.stream(StreamKey.of("live", "open")).isPublished());
        assertTrue(heard.contains("publish open rtmp 127.0.0.1 param=token=t1"), heard.toString());
        assertTrue(node.clients.clients().stream().anyMatch(c -> c.role() == Client.Role.PUBLISH && StreamKey.of("live", "open").equals(c.stream())),
                "the publisher is registered");

        RtmpClientSession player = client.play(node.url("live", "open"), new RtmpServerFfmpegTest.Collector()).get(10, TimeUnit.SECONDS);
        ExecutionException refusedPlay = assertThrows(ExecutionException.class,
                () -> client.play(node.url("live", "secret"), new RtmpServerFfmpegTest.Collector()).get(10, TimeUnit.SECONDS));
        assertTrue(refusedPlay.getCause().getMessage().contains("NetStream.Play.Rejected"), refusedPlay.getCause().getMessage());

        player.close();
        pub.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(heard.contains("stop open") && heard.contains("unpublish open")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(heard.contains("stop open") && heard.contains("unpublish open"), heard.toString());
        while (!node.clients.clients().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(node.clients.clients().isEmpty(), "closed connections are unregistered: " + node.clients.clients());
    }

    @Test
    void kickClosesThePublisherAndEndsItsStream() throws Exception {
        RtmpClientSession pub = client.publish(node.url("live", "kickme")).get(10, TimeUnit.SECONDS);
        Client registered = node.clients.clients().stream().filter(c -> c.role() == Client.Role.PUBLISH).findFirst().orElseThrow();
        registered.kick();
        pub.closeFuture().handle((v, e) -> null).get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (node.hub.stream(StreamKey.of("live", "kickme")) != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNull(node.hub.stream(StreamKey.of("live", "kickme")), "the kicked publisher's stream ended");
    }
}
