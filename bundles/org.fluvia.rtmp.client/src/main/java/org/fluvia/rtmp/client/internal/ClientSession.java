package org.fluvia.rtmp.client.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.Command;
import org.fluvia.codec.rtmp.HandshakeCompleteEvent;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.codec.rtmp.ProtocolControl;
import org.fluvia.codec.rtmp.RtmpMessage;
import org.fluvia.codec.rtmp.RtmpMessageHandler;
import org.fluvia.codec.rtmp.RtmpProtocolException;
import org.fluvia.codec.rtmp.RtmpUrl;
import org.fluvia.codec.rtmp.UserControl;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of one RTMP connection: connect, createStream, then play or publish, driven by the
 * server's answers.
 */
public final class ClientSession extends RtmpMessageHandler implements RtmpClientSession {

    public static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;
    private static final int OUT_CHUNK_SIZE = 60000;

    private enum Step { HANDSHAKE, CONNECT, CREATE_STREAM, START, STREAMING, CLOSED }

    private final RtmpUrl url;
    private final MediaListener listener;
    private final CompletableFuture<RtmpClientSession> ready;
    private final Duration timeout;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private ChannelHandlerContext ctx;
    private Channel channel;
    private Step step = Step.HANDSHAKE;
    private int streamId;
    private double createStreamTx;
    private double nextTx = 1;
    private ScheduledFuture<?> timer;
    private Throwable failure;

    public ClientSession(RtmpUrl url, MediaListener listener, CompletableFuture<RtmpClientSession> ready, Duration timeout) {
        this.url = url;
        this.listener = listener;
        this.ready = ready;
        this.timeout = timeout;
    }

    private boolean publishing() {
        return listener == null;
    }

    private String tag() {
        return "[rtmp-client " + url.host() + ":" + url.port() + "/" + url.app() + "/" + url.stream() + (publishing() ? " publish]" : " play]");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        timer = ctx.executor().schedule(() -> {
            if (!ready.isDone()) {
                fail(new TimeoutException("no " + (publishing() ? "NetStream.Publish.Start" : "NetStream.Play.Start") + " within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleteEvent) {
            step = Step.CONNECT;
            AmfObject cmd = AmfObject.of(
                    "app", url.app(),
                    "type", "nonprivate",
                    "flashVer", publishing() ? "FMLE/3.0 (compatible; Fluvia)" : "LNX 9,0,124,2",
                    "tcUrl", url.tcUrl(),
                    "fpad", false,
                    "capabilities", 15.0,
                    "audioCodecs", 4071.0,
                    "videoCodecs", 252.0,
                    "videoFunction", 1.0,
                    "objectEncoding", 0.0);
            if (publishing()) {
                ctx.write(ProtocolControl.setChunkSize(OUT_CHUNK_SIZE));
            }
            send(new Command("connect", nextTx++, cmd, List.of()), 0);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    private void send(Command c, int msid) {
        ctx.writeAndFlush(c.toMessage(ctx.alloc(), CSID_COMMAND, msid));
    }

    @Override
    protected void onMedia(RtmpMessage m) {
        if (listener == null || step != Step.STREAMING || m.typeId() == MessageType.DATA_AMF3) {
            return; // AMF3 data is not something an origin sends players
        }
        MediaType type = MediaType.ofTypeId(m.typeId());
        if (type == MediaType.DATA) {
            String name = scriptName(m);
            if ("onStatus".equals(name) || "|RtmpSampleAccess".equals(name)) {
                return;
            }
            listener.onMedia(MediaMessage.of(type, m.timestamp(), "onMetaData".equals(name) ? MediaMessage.METADATA : 0,
                    m.payload().retainedSlice()));
            return;
        }
        if (!m.payload().isReadable()) {
            return;
        }
        listener.onMedia(MediaMessage.of(type, m.timestamp(), m.payload().retainedSlice()));
    }

    private static String scriptName(RtmpMessage m) {
        try {
            Object v = Amf0.read(m.payload().duplicate());
            return v instanceof String ? (String) v : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    protected void onCommand(Command c) {
        switch (c.name()) {
            case "_result":
                onResult(c);
                break;
            case "_error":
                String redirect = redirect(c);
                fail(redirect != null
                        ? new org.fluvia.rtmp.client.RtmpRedirectException(redirect, "server answered _error to " + step + ": " + info(c))
                        : new RtmpProtocolException("server answered _error to " + step + ": " + info(c)));
                break;
            case "onStatus":
                onStatus(c);
                break;
            case "onBWDone":
            case "onFCPublish":
            case "onFCUnpublish":
            case "|RtmpSampleAccess":
                break;
            default:
                LOG.debug("{} ignoring command {}", tag(), c.name());
        }
    }

    private void onResult(Command c) {
        if (step == Step.CONNECT) {
            step = Step.CREATE_STREAM;
            if (publishing()) {
                send(new Command("releaseStream", nextTx++, null, List.of(url.stream())), 0);
                send(new Command("FCPublish", nextTx++, null, List.of(url.stream())), 0);
            }
            createStreamTx = nextTx++;
            send(new Command("createStream", createStreamTx, null, List.of()), 0);
        } else if (step == Step.CREATE_STREAM && c.transactionId() == createStreamTx) {
            Object id = c.arguments().isEmpty() ? null : c.arguments().get(0);
            streamId = id instanceof Number ? ((Number) id).intValue() : 1;
            step = Step.START;
            String name = streamNameWithQuery();
            if (publishing()) {
                send(new Command("publish", nextTx++, null, List.of(name, "live")), streamId);
            } else {
                ctx.write(UserControl.setBufferLength(streamId, 1000));
                send(new Command("play", nextTx++, null, List.of(name, -1000.0)), streamId);
            }
        }
    }

    private String streamNameWithQuery() {
        if (url.params().isEmpty()) {
            return url.stream();
        }
        StringBuilder sb = new StringBuilder(url.stream()).append('?');
        url.params().forEach((k, v) -> sb.append(k).append('=').append(v).append('&'));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /** The {@code ex.redirect} URL of a rejected connect, or null. */
    private static String redirect(Command c) {
        for (Object a : c.arguments()) {
            if (a instanceof Map<?, ?> info && info.get("ex") instanceof Map<?, ?> ex && ex.get("redirect") instanceof String url) {
                return url;
            }
        }
        return null;
    }

    private static String info(Command c) {
        for (Object a : c.arguments()) {
            if (a instanceof Map) {
                Object code = ((Map<?, ?>) a).get("code");
                Object d = ((Map<?, ?>) a).get("description");
                return code + (d != null ? " (" + d + ")" : "");
            }
        }
        return String.valueOf(c.arguments());
    }

    private void onStatus(Command c) {
        String code = null;
        String description = null;
        String level = null;
        for (Object a : c.arguments()) {
            if (a instanceof Map) {
                Map<?, ?> obj = (Map<?, ?>) a;
                code = String.valueOf(obj.get("code"));
                description = String.valueOf(obj.get("description"));
                level = String.valueOf(obj.get("level"));
            }
        }
        if (code == null) {
            return;
        }
        if ("NetStream.Publish.Start".equals(code) || "NetStream.Play.Start".equals(code)) {
            if (step == Step.START) {
                step = Step.STREAMING;
                timer.cancel(false);
                LOG.debug("{} {}", tag(), code);
                ready.complete(this);
            }
        } else if ("error".equals(level) && !ready.isDone()) {
            fail(new RtmpProtocolException("server refused: " + code + " (" + description + ")"));
            return;
        }
        if (listener != null) {
            listener.onStatus(code, description);
        }
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        ready.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("{} closing: {}", tag(), cause.getMessage() == null ? cause.toString() : cause.getMessage());
        fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Step closedIn = step;
        step = Step.CLOSED;
        if (timer != null) {
            timer.cancel(false);
        }
        if (!ready.isDone()) {
            // Some servers (nginx-rtmp for an unknown application or a denied publish) refuse by hanging
            // up without an _error or onStatus: the step it happened in is all there is to tell.
            ready.completeExceptionally(failure != null ? failure : new java.io.IOException(
                    "connection closed by the server during " + closedIn + ", before the stream started " + tag()));
        }
        if (failure != null) {
            closed.completeExceptionally(failure);
        } else {
            closed.complete(null);
        }
        if (listener != null) {
            listener.onClosed(failure);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void send(MediaMessage message) {
        if (!channel.eventLoop().inEventLoop()) {
            try {
                channel.eventLoop().execute(() -> send(message));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The event loop is shut down: the connection is gone, but the message is still ours.
                message.release();
            }
            return;
        }
        try {
            if (step != Step.STREAMING || !publishing()) {
                return;
            }
            int csid = message.type() == MediaType.AUDIO ? CSID_AUDIO : message.type() == MediaType.VIDEO ? CSID_VIDEO : CSID_DATA;
            io.netty.buffer.ByteBuf payload = message.payload();
            io.netty.buffer.ByteBuf chunks;
            if (message.isMetadata()) {
                // Servers store metadata sent as @setDataFrame (what encoders send).
                io.netty.buffer.ByteBuf prefixed = ctx.alloc().buffer(16 + payload.readableBytes());
                Amf0.write(prefixed, "@setDataFrame");
                prefixed.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
                chunks = ChunkEncoder.encode(ctx.alloc(), MessageType.DATA_AMF0, csid, message.timestamp(), streamId, prefixed, OUT_CHUNK_SIZE);
                prefixed.release();
            } else {
                chunks = ChunkEncoder.encode(ctx.alloc(), message.type().typeId(), csid, message.timestamp(), streamId, payload, OUT_CHUNK_SIZE);
            }
            ctx.writeAndFlush(chunks, ctx.voidPromise());
        } finally {
            message.release();
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public int streamId() {
        return streamId;
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }
}
