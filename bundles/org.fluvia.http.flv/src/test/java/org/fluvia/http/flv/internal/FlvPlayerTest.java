package org.fluvia.http.flv.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.core.internal.ClientTable;
import org.fluvia.media.core.internal.StreamHub;
import org.fluvia.media.core.internal.VhostPlayConfig;
import org.fluvia.testkit.Components;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** An HTTP-FLV player on an embedded channel, with an exchange that behaves as the server's does at its edges. */
class FlvPlayerTest {

    private static final StreamKey KEY = StreamKey.of("live", "cam");

    /**
     * A flush inside writeChunk that takes the channel from unwritable back to writable fires the
     * writability event there, within the player's drain (Netty does this when one chunk crosses the
     * high water mark and the socket takes it all at once: a late joiner's GOP). The drain it starts
     * must not write the parts the outer one is still writing.
     */
    @Test
    void aWritabilityEventFiredInsideWriteChunkDoesNotWriteAPartTwice() throws Exception {
        writabilityEventInsideAWrite(false);
    }

    @Test
    void aWritabilityEventFiredInsideAWriteOfFramedChunksDoesNotWriteAPartTwice() throws Exception {
        writabilityEventInsideAWrite(true); // an HTTP/1.1 response: the tags go out as shared, framed chunks
    }

    private void writabilityEventInsideAWrite(boolean chunked) throws Exception {
        StreamHub hub = new StreamHub();
        VhostPlayConfig vhost = new VhostPlayConfig();
        Components.activate(vhost, Map.of());
        Components.call(hub, "addVhost", vhost);
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = ch.pipeline().firstContext();
        List<ByteBuf> written = new ArrayList<>();
        Map<ByteBuf, Boolean> seen = new IdentityHashMap<>();
        List<String> problems = new ArrayList<>();
        int[] chunks = {0};
        HttpExchange exchange = new FakeExchange(ctx, chunked) {
            @Override
            public void writeChunk(List<ByteBuf> parts) {
                chunks[0]++;
                for (ByteBuf p : parts) {
                    if (seen.put(p, Boolean.TRUE) != null || p.refCnt() == 0) {
                        problems.add("part written twice");
                    }
                    written.add(p);
                }
                if (chunks[0] == 1) {
                    ch.pipeline().fireChannelWritabilityChanged(); // as the flush would, mid-write
                }
            }
        };
        Publication pub = hub.publish(KEY, SourceKind.PUBLISH, "test");
        pub.publish(MediaMessage.of(MediaType.VIDEO, 0, Unpooled.wrappedBuffer(new byte[]{0x17, 1, 0, 0, 0, 1, 2, 3})));
        pub.publish(MediaMessage.of(MediaType.AUDIO, 10, Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 1, 9})));
        FlvPlayer player = new FlvPlayer(KEY, exchange, 1000, p -> { });
        player.start(hub, new ClientTable());
        ch.runPendingTasks(); // admitted, subscribed, the cached GOP drained
        pub.publish(MediaMessage.of(MediaType.VIDEO, 40, Unpooled.wrappedBuffer(new byte[]{0x27, 1, 0, 0, 0, 4, 5})));
        for (int i = 0; i < 20 && written.size() < 4; i++) {
            Thread.sleep(50); // the third message goes out at the stream's next tick or timer
            ch.runPendingTasks();
            ch.runScheduledPendingTasks();
        }
        assertEquals(List.of(), problems);
        assertEquals(4, written.size(), "the FLV header and each tag written once");
        written.forEach(ByteBuf::release);
        player.end("test over");
        ch.finishAndReleaseAll();
        pub.close();
        Components.call(hub, "deactivate");
    }

    /** The parts of an exchange that a streaming route uses besides writeChunk (which framed chunks go to as well). */
    private abstract static class FakeExchange implements HttpExchange {
        private final ChannelHandlerContext ctx;
        private final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/live/cam.flv");

        private final boolean chunked;

        FakeExchange(ChannelHandlerContext ctx, boolean chunked) {
            this.ctx = ctx;
            this.chunked = chunked;
        }

        public boolean isChunkedStream() { return chunked; }
        public void writeFramedChunks(List<ByteBuf> chunks) {
            if (!chunked) {
                throw new IllegalStateException("framed chunks on an unchunked stream");
            }
            writeChunk(chunks); // the subclass records the parts either way
        }

        public ChannelHandlerContext ctx() { return ctx; }
        public FullHttpRequest request() { return request; }
        public String path() { return "/live/cam.flv"; }
        public Map<String, List<String>> parameters() { return Map.of(); }
        public String parameter(String name) { return null; }
        public String host() { return null; }
        public boolean isHead() { return false; }
        public boolean isKeepAlive() { return false; }
        public void respond(HttpResponseStatus status, String contentType, ByteBuf body, HttpHeaders headers) {
            if (body != null) {
                body.release();
            }
        }
        public void respondError(HttpResponseStatus status, String message) { }
        public void startStream(HttpResponse head) {
            ctx.write(head);
        }
        public ChannelFuture endStream() {
            return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }
}
