package org.fluvia.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An HLS client on one keep-alive connection: fetches the playlist every target duration / 2 and
 * every segment it has not fetched yet (starting with the newest one), one request at a time.
 * Sits after HttpClientCodec and HttpObjectAggregator.
 */
final class HlsPoller extends ChannelInboundHandlerAdapter {

    /** The parts of a media playlist the poller uses. */
    record Playlist(double targetDuration, List<String> segments) {

        static Playlist parse(String text) {
            double target = 0;
            List<String> segments = new ArrayList<>();
            for (String raw : text.split("\n")) {
                String line = raw.trim();
                if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    target = Double.parseDouble(line.substring("#EXT-X-TARGETDURATION:".length()).trim());
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    segments.add(line);
                }
            }
            return new Playlist(target, segments);
        }
    }

    private final ClientStats stats;
    private final LoadRun run;
    private final String host;
    private final String playlistPath;
    private final Set<String> seen = new HashSet<>();
    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private boolean firstPlaylist = true;
    private boolean awaitingPlaylist;
    private long pollMillis = 1000;
    long segmentErrors;

    HlsPoller(ClientStats stats, LoadRun run, String host, String playlistPath) {
        this.stats = stats;
        this.run = run;
        this.host = host;
        this.playlistPath = playlistPath;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        stats.connectedNanos = System.nanoTime();
        requestPlaylist(ctx);
        super.channelActive(ctx);
    }

    private void requestPlaylist(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || run.ending()) {
            return;
        }
        awaitingPlaylist = true;
        get(ctx, playlistPath);
    }

    private void get(ChannelHandlerContext ctx, String path) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set(HttpHeaderNames.HOST, host);
        ctx.writeAndFlush(request);
    }

    /** Takes ownership of {@code msg} and releases it. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof FullHttpResponse response)) {
                return;
            }
            long now = System.nanoTime();
            int code = response.status().code();
            stats.addBytes(response.content().readableBytes());
            if (awaitingPlaylist) {
                awaitingPlaylist = false;
                if (code == 200) {
                    onPlaylist(Playlist.parse(response.content().toString(StandardCharsets.UTF_8)));
                }
            } else if (code == 200) {
                stats.onMedia(now);
                if (stats.firstFrameNanos < 0) {
                    stats.firstFrameNanos = now;
                    stats.firstKeyNanos = now; // segments start at keyframes
                }
            } else {
                segmentErrors++;
            }
            next(ctx);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onPlaylist(Playlist playlist) {
        if (playlist.targetDuration() > 0) {
            pollMillis = Math.max(250, (long) (playlist.targetDuration() * 500));
            stats.stallNanos = Math.max(ClientStats.STALL_NANOS, (long) (playlist.targetDuration() * 3e9));
        }
        List<String> segments = playlist.segments();
        for (int i = 0; i < segments.size(); i++) {
            String uri = segments.get(i);
            if (seen.add(uri) && (!firstPlaylist || i == segments.size() - 1)) {
                pending.add(resolve(uri));
            }
        }
        if (!segments.isEmpty()) {
            firstPlaylist = false;
        }
    }

    private void next(ChannelHandlerContext ctx) {
        String segment = pending.poll();
        if (segment != null) {
            get(ctx, segment);
        } else {
            ctx.executor().schedule(() -> requestPlaylist(ctx), pollMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** A segment URI relative to the playlist's directory, or an absolute path or URL. */
    String resolve(String uri) {
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            int slash = uri.indexOf('/', uri.indexOf("//") + 2);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        if (uri.startsWith("/")) {
            return uri;
        }
        return playlistPath.substring(0, playlistPath.lastIndexOf('/') + 1) + uri;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!run.ending()) {
            stats.closedEarly = true;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!run.ending()) {
            stats.fail(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        ctx.close();
    }
}
