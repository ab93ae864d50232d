package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.OnDemandProvider;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.testkit.Await;
import org.fluvia.testkit.Components;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlaylistRequestsTest {

    @TempDir
    Path dir;

    /** A request as the HTTP server hands it to a route, answered into a list. */
    private static final class FakeExchange implements HttpExchange {
        final ChannelHandlerContext ctx;
        final String path;
        final List<HttpResponseStatus> answers;
        final FullHttpRequest request;

        FakeExchange(ChannelHandlerContext ctx, String path, List<HttpResponseStatus> answers) {
            this.ctx = ctx;
            this.path = path;
            this.answers = answers;
            this.request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        }

        @Override public ChannelHandlerContext ctx() { return ctx; }
        @Override public FullHttpRequest request() { return request; }
        @Override public String path() { return path; }
        @Override public Map<String, List<String>> parameters() { return Map.of(); }
        @Override public String parameter(String name) { return null; }
        @Override public String host() { return "127.0.0.1"; }
        @Override public boolean isHead() { return false; }
        @Override public boolean isKeepAlive() { return true; }

        @Override
        public void respond(HttpResponseStatus status, String contentType, ByteBuf body, HttpHeaders headers) {
            body.release();
            answers.add(status);
        }

        @Override
        public void respondError(HttpResponseStatus status, String message) {
            answers.add(status);
        }

        @Override
        public void writeChunk(List<io.netty.buffer.ByteBuf> parts) {
            parts.forEach(io.netty.buffer.ByteBuf::release);
            throw new UnsupportedOperationException("playlists are complete responses");
        }

        @Override
        public boolean isChunkedStream() {
            return false;
        }

        @Override
        public void writeFramedChunks(List<io.netty.buffer.ByteBuf> chunks) {
            chunks.forEach(io.netty.buffer.ByteBuf::release);
            throw new UnsupportedOperationException("playlists are complete responses");
        }

        @Override
        public void startStream(io.netty.handler.codec.http.HttpResponse head) {
            throw new UnsupportedOperationException("playlists are complete responses");
        }

        @Override
        public io.netty.channel.ChannelFuture endStream() {
            throw new UnsupportedOperationException("playlists are complete responses");
        }
    }

    @Test
    void tenThousandRequestsForMissingStreamsLeaveNoWaiterTimerOrSubscriptionBehind() throws Exception {
        try (HubFixture f = new HubFixture(dir, Map.of("hls__fragment", 2.0), Media.TextEncoder::new)) {
            f.hls.requests.waitMs = 100;
            EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
            ch.freezeTime();
            ChannelHandlerContext ctx = ch.pipeline().firstContext();
            List<HttpResponseStatus> answers = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 1000; i++) {
                    // 500 distinct streams per round, each asked twice.
                    assertTrue(f.hls.handle(new FakeExchange(ctx, "/live/missing-" + round + "-" + (i % 500) + ".m3u8", answers)));
                }
                assertEquals(1000, f.hls.requests.waiting());
                ch.advanceTimeBy(101, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
                assertEquals(0, f.hls.requests.waiting());
                Await.until("on-demand muxers gone", Duration.ofSeconds(10), f.hls.streams::isEmpty);
            }
            assertEquals(10_000, answers.size());
            assertTrue(answers.stream().allMatch(HttpResponseStatus.NOT_FOUND::equals));
            assertEquals(-1, ch.runScheduledPendingTasks(), "no timer left on the event loop");
            Await.until("hub streams gone", Duration.ofSeconds(5), () -> f.hub.streams().isEmpty());
            ch.close();
            assertFalse(ch.finish());
        }
    }

    @Test
    void requestsThatDoNotMatchThePlaylistTemplateOrVhostAreLeftToOtherRoutes() throws Exception {
        try (HubFixture f = new HubFixture(dir, Map.of("hls__m3u8__file", "hls/[app]/[stream]/index.m3u8"), Media.TextEncoder::new)) {
            EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
            ChannelHandlerContext ctx = ch.pipeline().firstContext();
            List<HttpResponseStatus> answers = new ArrayList<>();
            assertFalse(f.hls.handle(new FakeExchange(ctx, "/live/cam.m3u8", answers)));
            assertFalse(f.hls.handle(new FakeExchange(ctx, "/hls/live/cam/index.ts", answers)));
            assertFalse(f.hls.handle(new FakeExchange(ctx, "/hls/../cam/index.m3u8", answers)));
            Files.createDirectories(dir.resolve("hls/live/cam"));
            Files.writeString(dir.resolve("hls/live/cam/index.m3u8"), "#EXTM3U\n");
            assertFalse(f.hls.handle(new FakeExchange(ctx, "/hls/live/cam/index.m3u8", answers)), "on disk: the static files serve it");
            assertTrue(answers.isEmpty());
            assertTrue(f.hls.streams.isEmpty());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void anHlsOnlyViewerPullsTheStreamOnDemandAndThePullIsReleasedWhenViewersStopAsking() throws Exception {
        try (HlsNode node = new HlsNode(dir, Map.of("hls__fragment", 1.0))) {
            node.hls.encoders = Media.TextEncoder::new;
            node.hls.onDemandIdleMs = 1500;
            AtomicInteger asked = new AtomicInteger();
            AtomicReference<Thread> puller = new AtomicReference<>();
            OnDemandProvider edge = new OnDemandProvider() {
                @Override
                public boolean provide(StreamKey key, StreamRegistry registry) {
                    asked.incrementAndGet();
                    Thread t = new Thread(() -> pull(key, registry), "pull-" + key.stream());
                    puller.set(t);
                    t.start();
                    return true;
                }
            };
            Components.call(node.hub, "addProvider", edge);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(node.httpUrl("/live/pulled.m3u8")))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("pulled-0.ts"), r.body());
            assertEquals("no-cache", r.headers().firstValue("cache-control").orElse(""));
            assertEquals(1, asked.get());
            Stream stream = node.hub.stream(new StreamKey(StreamKey.DEFAULT_VHOST, "live", "pulled"));
            assertEquals(1, stream.readerCount(), "the HLS muxer keeps the pull alive");

            // Nobody asks any more: the muxer lets go of the stream, deletes its files, and the pull may stop.
            Await.until("on-demand muxer released", Duration.ofSeconds(10), () -> stream.readerCount() == 0);
            Await.until("playlist deleted", Duration.ofSeconds(5), () -> !Files.exists(dir.resolve("live/pulled.m3u8")));
            assertTrue(node.hls.streams.isEmpty());
            puller.get().interrupt();
            puller.get().join(5000);
            assertNull(node.hub.stream(stream.key()));
        }
    }

    /** An edge pull in real time: publishes synthetic media until interrupted. */
    private static void pull(StreamKey key, StreamRegistry registry) {
        try (Publication p = registry.publish(key, SourceKind.PULL, "test pull")) {
            List<MediaMessage> media = Media.stream(60_000, 1000);
            int i = 0;
            try {
                for (; i < media.size(); i++) {
                    p.publish(media.get(i));
                    if (i % 2 == 1) {
                        Thread.sleep(40);
                    }
                }
            } catch (InterruptedException e) {
                Media.release(media.subList(i + 1, media.size()));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
