package org.fluvia.rtmp.server.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A stopping server tells its players why the stream ends before it closes their connections. */
class RtmpServerStopTest {

    @Test
    void playersAreToldThePlayStopsWhenTheServerStops() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (TestNode node = new TestNode()) {
            RtmpClient client = new RtmpClient(group, NioSocketChannel.class);
            RtmpClientSession pub = client.publish(node.url("live", "bye")).get(10, TimeUnit.SECONDS);
            RtmpServerFfmpegTest.Collector player = new RtmpServerFfmpegTest.Collector();
            RtmpClientSession play = client.play(node.url("live", "bye"), player).get(10, TimeUnit.SECONDS);
            node.server.deactivate();
            play.closeFuture().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
            pub.closeFuture().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
            assertTrue(player.statuses.contains("NetStream.Play.Stop"), "statuses: " + player.statuses);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
