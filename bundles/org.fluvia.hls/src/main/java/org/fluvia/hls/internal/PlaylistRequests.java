package org.fluvia.hls.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.media.api.StreamKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Playlist requests for streams this node does not mux yet: subscribing to the stream (which makes an
 * edge pull it) and answering once its first playlist is written. Playlists already on disk are left
 * to the static file server. Runs on the connections' event loops and never blocks them.
 */
final class PlaylistRequests {

    private static final Logger LOG = LoggerFactory.getLogger(PlaylistRequests.class);
    static final String CONTENT_TYPE = "application/vnd.apple.mpegurl";
    /** Requests waiting for one stream's first playlist; more are refused with 503. */
    static final int MAX_WAITERS_PER_STREAM = 256;
    /** Streams muxed at once by this component; a request that would start one more is refused with 503. */
    static final int MAX_STREAMS = 4096;

    private final HlsComponent hls;
    private final HlsSettings settings;
    private final Pattern pattern;
    private final boolean vhostInPath;
    /** How long a request waits for a first playlist; tests shorten it. */
    volatile long waitMs;
    private final AtomicInteger waiting = new AtomicInteger();

    PlaylistRequests(HlsComponent hls, HlsSettings settings) {
        this.hls = hls;
        this.settings = settings;
        this.pattern = Template.pattern(settings.m3u8Template());
        this.vhostInPath = settings.m3u8Template().contains("[vhost]");
        this.waitMs = settings.firstPlaylistWaitMs();
    }

    /** Requests waiting now, over all streams. */
    int waiting() {
        return waiting.get();
    }

    boolean handle(HttpExchange ex) {
        HttpMethod method = ex.request().method();
        String path = ex.path();
        if (!path.endsWith(".m3u8") || !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))) {
            return false;
        }
        Matcher m = pattern.matcher(path.substring(1));
        if (!m.matches()) {
            return false;
        }
        String vhost = vhostInPath ? m.group("vhost") : hls.registry.resolveVhost(ex.host());
        if (!settings.vhost().equals(vhost)) {
            return false;
        }
        String app = m.group("app");
        String name = m.group("stream");
        if (app.startsWith(".") || name.startsWith(".")) {
            return false;
        }
        StreamKey key = new StreamKey(vhost, app, name);
        HlsStream s = hls.streams.get(key);
        if (s != null) {
            s.touch();
        }
        if (Files.exists(settings.path().resolve(Template.render(settings.m3u8Template(), key, -1, -1)))) {
            return false; // the static file server has it
        }
        if (s == null || s.isGone()) {
            if (hls.streams.size() >= MAX_STREAMS) {
                ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many HLS streams on this node; try again later");
                return true;
            }
            s = hls.streamFor(key, true);
            s.touch();
        }
        if (s.onDemand) {
            hls.execute(s::ensureSubscribed);
        }
        byte[] ready = s.playlistBytes();
        if (ready != null) {
            respond(ex, ready);
            return true;
        }
        if (s.waiters.size() >= MAX_WAITERS_PER_STREAM) {
            ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many requests waiting for " + key + "; try again later");
            return true;
        }
        Waiter w = new Waiter(ex, s);
        w.start(waitMs);
        ready = s.playlistBytes();
        if (ready != null) { // written while we registered
            w.playlistReady(ready);
        }
        return true;
    }

    private static void respond(HttpExchange ex, byte[] playlist) {
        HttpHeaders h = new DefaultHttpHeaders().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        ex.respond(HttpResponseStatus.OK, CONTENT_TYPE, Unpooled.wrappedBuffer(playlist), h);
    }

    /** The component stops: every waiting request gets a 503. */
    void cancelAll() {
        for (HlsStream s : hls.streams.values()) {
            for (HlsStream.PlaylistWaiter w : s.waiters) {
                ((Waiter) w).cancel();
            }
        }
    }

    /** One request waiting for a stream's first playlist; exactly one of ready, timeout, close or cancel wins. */
    private final class Waiter implements HlsStream.PlaylistWaiter, ChannelFutureListener {
        private final HttpExchange ex;
        private final ChannelHandlerContext ctx;
        private final HlsStream stream;
        private final AtomicBoolean done = new AtomicBoolean();
        private ScheduledFuture<?> timer;

        Waiter(HttpExchange ex, HlsStream stream) {
            this.ex = ex;
            this.ctx = ex.ctx();
            this.stream = stream;
        }

        /** On the event loop. */
        void start(long ms) {
            waiting.incrementAndGet();
            stream.waiters.add(this);
            timer = ctx.executor().schedule(this::timeout, ms, TimeUnit.MILLISECONDS);
            ctx.channel().closeFuture().addListener(this);
        }

        @Override
        public void playlistReady(byte[] playlist) {
            if (done.compareAndSet(false, true)) {
                onLoop(() -> {
                    finish();
                    respond(ex, playlist);
                });
            }
        }

        private void timeout() {
            if (done.compareAndSet(false, true)) {
                finish();
                LOG.debug("[{}] hls: no playlist within {} ms", stream.key, waitMs);
                ex.respondError(HttpResponseStatus.NOT_FOUND, "no HLS stream " + stream.key + " here");
                hls.execute(stream::disposeIfUnavailable);
            }
        }

        @Override
        public void operationComplete(ChannelFuture f) {
            if (done.compareAndSet(false, true)) {
                finish();
                hls.execute(stream::disposeIfUnavailable);
            }
        }

        void cancel() {
            if (done.compareAndSet(false, true)) {
                onLoop(() -> {
                    finish();
                    ex.respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "HLS is stopping");
                });
            }
        }

        private void finish() {
            stream.waiters.remove(this);
            timer.cancel(false);
            ctx.channel().closeFuture().removeListener(this);
            waiting.decrementAndGet();
        }

        private void onLoop(Runnable r) {
            try {
                ctx.executor().execute(r);
            } catch (RejectedExecutionException e) { // the connection's loop is gone, and the connection with it
                finish();
            }
        }
    }
}
