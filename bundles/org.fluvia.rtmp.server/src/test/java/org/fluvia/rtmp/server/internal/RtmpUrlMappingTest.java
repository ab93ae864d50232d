package org.fluvia.rtmp.server.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.media.api.StreamKey;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** How RTMP URLs map to stream keys: vhost from ?vhost= or the host (SRS style), query parameters dropped. */
class RtmpUrlMappingTest {

    private TestNode node;
    private MultiThreadIoEventLoopGroup group;
    private RtmpClient client;

    @BeforeEach
    void start() throws Exception {
        node = new TestNode();
        node.addVhost("v1.example");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        client = new RtmpClient(group, NioSocketChannel.class);
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        node.close();
    }

    private void assertPublishLandsOn(String url, StreamKey expected) throws Exception {
        RtmpClientSession s = client.publish(url).get(10, TimeUnit.SECONDS);
        try {
            assertNotNull(node.hub.stream(expected), url + " -> " + expected + ", streams: " + node.hub.streams());
            assertTrue(node.hub.stream(expected).isPublished());
        } finally {
            s.close();
            s.closeFuture().handle((v, e) -> null).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void vhostParameterSelectsAConfiguredVhost() throws Exception {
        assertPublishLandsOn(node.url("live", "cam?vhost=v1.example"), new StreamKey("v1.example", "live", "cam"));
    }

    @Test
    void unknownVhostAndPlainIpMapToTheDefaultVhost() throws Exception {
        assertPublishLandsOn(node.url("live", "cam?vhost=nobody.example"), StreamKey.of("live", "cam"));
        assertPublishLandsOn(node.url("live", "cam2"), StreamKey.of("live", "cam2"));
    }

    @Test
    void queryParametersAreNotPartOfTheStreamName() throws Exception {
        assertPublishLandsOn(node.url("live", "cam?token=abc&expire=1"), StreamKey.of("live", "cam"));
    }

    @Test
    void multiLevelAppIsKept() throws Exception {
        assertPublishLandsOn(node.url("live/sub", "cam"), StreamKey.of("live/sub", "cam"));
    }
}
