package org.fluvia.http.flv.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import org.fluvia.codec.flv.FlvTags;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One HTTP-FLV response: the FLV header, then every message of the stream as an FLV tag encoded
 * once for all players (for HTTP/1.1, each tag framed as its own HTTP chunk), a drain's tags going out
 * in one gathering write. Ends when the stream is unpublished or the client leaves.
 */
final class FlvPlayer implements StreamReader, Client {

    private static final Logger LOG = LoggerFactory.getLogger(FlvPlayer.class);
    /** The key under which a message caches its FLV tag form, shared by all HTTP/1.0 HTTP-FLV players. */
    private static final Object FLV_TAG = new Object() {
        @Override
        public String toString() {
            return "flv-tag";
        }
    };
    /**
     * The key under which a message caches its FLV tag as a whole HTTP chunk (size line, tag, CRLF),
     * shared by all HTTP/1.1 players: a write then carries no framing of its own (a size line per write
     * was about half of what HTTP-FLV's drain cost over RTMP's once a player got a write per frame).
     */
    private static final Object FLV_CHUNK = new Object() {
        @Override
        public String toString() {
            return "flv-tag-chunk";
        }
    };

    private final StreamKey key;
    private final HttpExchange exchange;
    private final ChannelHandlerContext ctx;
    /** Made once per player, not per message. */
    private final java.util.function.Function<MediaMessage, ByteBuf> encodeTag;
    private final java.util.function.Function<MediaMessage, ByteBuf> encodeChunk;
    /** A message's shared form for this player, for the runs of them a tick shares ({@link Subscription#pollRun}). */
    private final java.util.function.Function<MediaMessage, ByteBuf> tagEncoding;
    private final java.util.function.Function<MediaMessage, ByteBuf> chunkEncoding;
    /** The response is chunked and the tags go out as shared, framed chunks. */
    private boolean framed;
    private final Channel channel;
    private final int waitMs;
    private final Consumer<FlvPlayer> onEnd;
    private Subscription subscription;
    private ScheduledFuture<?> waitTimer;
    private boolean headersSent;
    private boolean ended;
    private ClientRegistry clients;
    private AutoCloseable registration;
    private boolean admitted;
    private long id;
    private long bytesOut;
    private final long connectedAt = System.currentTimeMillis();

    FlvPlayer(StreamKey key, HttpExchange exchange, int waitMs, Consumer<FlvPlayer> onEnd) {
        this.key = key;
        this.exchange = exchange;
        this.ctx = exchange.ctx();
        this.encodeTag = msg -> FlvTags.tag(ctx.alloc(), msg.type().typeId(), msg.timestamp(), msg.payload());
        this.encodeChunk = msg -> HttpExchange.frameChunk(ctx.alloc(), encodeTag.apply(msg));
        this.tagEncoding = m -> m.encoded(FLV_TAG, encodeTag);
        this.chunkEncoding = m -> m.encoded(FLV_CHUNK, encodeChunk);
        this.channel = ctx.channel();
        this.waitMs = waitMs;
        this.onEnd = onEnd;
    }

    /** Registers the player, passes it through the client hooks, then subscribes; on the event loop. */
    void start(StreamRegistry registry, ClientRegistry clients) {
        this.clients = clients;
        this.id = clients.nextId();
        registration = clients.register(this);
        channel.closeFuture().addListener(f -> channel.eventLoop().execute(() -> end(null)));
        clients.admit(this).whenComplete((ok, error) -> channel.eventLoop().execute(() -> {
            if (ended) {
                return;
            }
            if (error != null) {
                Throwable why = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
                LOG.warn("[{} http-flv {}] refused: {}", key, channel.remoteAddress(), why.getMessage());
                ended = true;
                unregister();
                exchange.respondError(HttpResponseStatus.FORBIDDEN, "refused: " + why.getMessage());
                return;
            }
            admitted = true;
            subscribe(registry);
        }));
    }

    private void subscribe(StreamRegistry registry) {
        channel.pipeline().addLast("flv-writability", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext c) throws Exception {
                if (c.channel().isWritable()) {
                    drain();
                }
                super.channelWritabilityChanged(c);
            }
        });
        subscription = registry.subscribe(key, this);
        if (!subscription.stream().isPublished()) {
            // hstrs: wait (bounded) for the source; the registry has asked the on-demand providers.
            waitTimer = channel.eventLoop().schedule(() -> {
                if (!headersSent) {
                    end("no source within " + waitMs + " ms");
                }
            }, waitMs, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public Executor executor() {
        return channel.eventLoop();
    }

    @Override
    public void onPublish(Subscription s) {
        if (waitTimer != null) {
            waitTimer.cancel(false);
            waitTimer = null;
        }
    }

    @Override
    public void onMessages(Subscription s) {
        drain();
    }

    /** Starts the response; the FLV header goes out with the first tags, in the same write. */
    private void sendHeaders() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        exchange.startStream(response);
        framed = exchange.isChunkedStream();
        ByteBuf header = FlvTags.header(ctx.alloc(), true, true);
        batch.add(framed ? HttpExchange.frameChunk(ctx.alloc(), header) : header);
        headersSent = true;
        LOG.info("[{} http-flv {}] playing", key, channel.remoteAddress());
    }

    /** A drain's tags, handed to the exchange's write and reused: the loop allocates no holder. */
    private final ArrayList<ByteBuf> batch = new ArrayList<>();

    /** A drain is running: a flush inside it can make the channel writable and call drain again. */
    private boolean draining;
    private boolean drainAgain;

    private void drain() {
        if (draining) { // re-entered from the flush's writability event: the batch is still in use
            drainAgain = true;
            return;
        }
        draining = true;
        try {
            do {
                drainAgain = false;
                drainOnce();
            } while (drainAgain && !ended);
        } finally {
            draining = false;
        }
    }

    private void drainOnce() {
        Subscription s = subscription;
        if (s == null || ended) {
            return;
        }
        try {
            if (headersSent && channel.isWritable()) { // a tick's run: one buffer for its messages
                ByteBuf run = framed ? s.pollRun(FLV_CHUNK, chunkEncoding, ctx.alloc()) : s.pollRun(FLV_TAG, tagEncoding, ctx.alloc());
                if (run != null) {
                    bytesOut += run.readableBytes();
                    batch.add(run);
                }
            }
            while (channel.isWritable()) {
                MediaMessage m = s.poll();
                if (m == null) {
                    break;
                }
                try {
                    if (!headersSent) {
                        sendHeaders();
                    }
                    ByteBuf tag = framed ? m.encodedDuplicate(FLV_CHUNK, encodeChunk) : m.encodedDuplicate(FLV_TAG, encodeTag);
                    bytesOut += tag.readableBytes();
                    batch.add(tag);
                } finally {
                    m.release();
                }
            }
            if (!batch.isEmpty()) {
                try {
                    if (framed) {
                        exchange.writeFramedChunks(batch); // one gathering write of shared chunks
                    } else {
                        exchange.writeChunk(batch); // one gathering write, framing included
                    }
                } finally {
                    batch.clear(); // the exchange took the tags
                }
            } else if (headersSent) {
                ctx.flush();
            }
        } finally {
            for (ByteBuf left : batch) { // only when reading the queue threw: these were not handed on
                left.release();
            }
            batch.clear();
        }
    }

    @Override
    public void onUnpublish(Subscription s) {
        drain(); // the publisher's last messages go out before the response ends
        end("the stream was unpublished");
    }

    @Override
    public void onClose(Subscription s) {
        end("the hub closed the stream");
    }

    /** Ends the response (if it started) and leaves the stream; {@code why} null when the client left. */
    void end(String why) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> end(why));
            return;
        }
        if (ended) {
            return;
        }
        ended = true;
        if (waitTimer != null) {
            waitTimer.cancel(false);
        }
        closeSubscription();
        onEnd.accept(this);
        if (admitted) {
            admitted = false;
            clients.ended(this);
        }
        unregister();
        if (channel.isActive()) {
            if (headersSent) {
                exchange.endStream().addListener(f -> ctx.close());
            } else {
                exchange.respondError(HttpResponseStatus.NOT_FOUND, "stream " + key + ": " + (why == null ? "ended" : why));
            }
        }
        LOG.info("[{} http-flv {}] ended: {}", key, channel.remoteAddress(), why == null ? "client left" : why);
    }

    private void unregister() {
        AutoCloseable r = registration;
        registration = null;
        if (r != null) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("unregistering {}: {}", id, e.toString());
            }
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String protocol() {
        return "flv";
    }

    @Override
    public Role role() {
        return Role.PLAY;
    }

    @Override
    public String ip() {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
    }

    @Override
    public StreamKey stream() {
        return key;
    }

    @Override
    public String url() {
        String host = exchange.request().headers().get(io.netty.handler.codec.http.HttpHeaderNames.HOST, "");
        return "http://" + host + exchange.path();
    }

    @Override
    public String param() {
        String uri = exchange.request().uri();
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q + 1);
    }

    @Override
    public long connectedAt() {
        return connectedAt;
    }

    @Override
    public long bytesIn() {
        return 0;
    }

    @Override
    public long bytesOut() {
        return bytesOut;
    }

    @Override
    public void kick() {
        LOG.info("[{} http-flv {}] kicked", key, channel.remoteAddress());
        channel.close();
    }

    private void closeSubscription() {
        Subscription s = subscription;
        subscription = null;
        if (s != null) {
            s.close();
        }
    }
}
