package org.fluvia.security.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.StreamKey;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Our RTMP client against a real RTMP server whose client table has the security hook bound. */
class SecurityRtmpTest {

    private Node node;
    private MultiThreadIoEventLoopGroup group;
    private RtmpClient client;

    /** Drops what it plays. */
    private static final MediaListener DISCARD = MediaMessage::release;

    @BeforeEach
    void start() throws Exception {
        node = new Node();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        client = new RtmpClient(group, NioSocketChannel.class);
    }

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        node.close();
        Leaks.assertNoLeakReported();
    }

    private void secure(String... rules) {
        SecurityRules s = new SecurityRules();
        Components.activate(s, Map.of("rules", rules));
        node.addHook(s, 100);
    }

    private static String refusal(java.util.concurrent.CompletableFuture<RtmpClientSession> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause().getMessage();
    }

    @Test
    void denyPublishFromLoopbackIsRejected() throws Exception {
        secure("deny publish 127.0.0.1");
        String why = refusal(client.publish(node.url("live", "cam")));
        assertTrue(why.contains("NetStream.Publish.Rejected"), why);
        assertNull(node.hub.stream(StreamKey.of("live", "cam")), "a refused publisher creates no stream");
    }

    @Test
    void allowPublishFromLoopbackBlockPublishes() throws Exception {
        secure("allow publish 127.0.0.0/8", "allow play 10.0.0.0/8");
        try (RtmpClientSession pub = client.publish(node.url("live", "cam")).get(10, TimeUnit.SECONDS)) {
            assertTrue(node.hub.stream(StreamKey.of("live", "cam")).isPublished());
            String why = refusal(client.play(node.url("live", "cam"), DISCARD));
            assertTrue(why.contains("NetStream.Play.Rejected"), why);
        }
    }

    @Test
    void playIsRefusedOrAllowedByThePlayRules() throws Exception {
        secure("deny play 127.0.0.1", "deny publish 10.0.0.0/8");
        try (RtmpClientSession pub = client.publish(node.url("live", "cam")).get(10, TimeUnit.SECONDS)) {
            String why = refusal(client.play(node.url("live", "cam"), DISCARD));
            assertTrue(why.contains("NetStream.Play.Rejected"), why);
        }
        node.close();
        node = new Node();
        secure("allow play 127.0.0.1", "deny play all", "allow publish all");
        try (RtmpClientSession pub = client.publish(node.url("live", "cam")).get(10, TimeUnit.SECONDS)) {
            String why = refusal(client.play(node.url("live", "cam"), DISCARD));
            assertTrue(why.contains("NetStream.Play.Rejected"), "deny comes first whatever the order: " + why);
        }
        node.close();
        node = new Node();
        secure("allow play 127.0.0.0/24", "allow play ::1", "allow publish all");
        try (RtmpClientSession pub = client.publish(node.url("live", "cam")).get(10, TimeUnit.SECONDS);
             RtmpClientSession player = client.play(node.url("live", "cam"), DISCARD).get(10, TimeUnit.SECONDS)) {
            assertTrue(player.streamId() > 0);
        }
    }
}
