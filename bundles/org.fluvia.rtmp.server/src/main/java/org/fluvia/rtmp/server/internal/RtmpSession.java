package org.fluvia.rtmp.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfException;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.ChunkDecoder;
import org.fluvia.codec.rtmp.Command;
import org.fluvia.codec.rtmp.DataMessage;
import org.fluvia.codec.rtmp.HandshakeCompleteEvent;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.codec.rtmp.ProtocolControl;
import org.fluvia.codec.rtmp.RtmpMessage;
import org.fluvia.codec.rtmp.RtmpMessageHandler;
import org.fluvia.codec.rtmp.RtmpUrl;
import org.fluvia.codec.rtmp.StatusObjects;
import org.fluvia.codec.rtmp.UserControl;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamBusyException;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One RTMP client after the handshake: answers its commands and maps publish and play onto the hub.
 * All of it runs on the channel's event loop.
 */
final class RtmpSession extends RtmpMessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RtmpSession.class);

    static final int CSID_CONTROL = 2;
    static final int CSID_COMMAND = 3;
    static final int CSID_AUDIO = 4;
    static final int CSID_DATA = 5;
    static final int CSID_VIDEO = 6;
    static final int CSID_STATUS = 5;
    private static final int WINDOW_ACK_SIZE = 2_500_000;

    private enum State { HANDSHAKE, CONNECTING, CONNECTED, ADMITTING, PUBLISHING, PLAYING, CLOSED }

    private final long id;
    private final StreamRegistry registry;
    private final ClientRegistry clients;
    private final ChunkDecoder decoder;
    private final SessionClient client = new SessionClient();
    private AutoCloseable registration;
    private boolean admitted;
    private String tcUrl;
    private String param = "";
    private Client.Role role;
    long bytesOut;
    private final int chunkSize;
    private final int publishTimeoutSeconds;

    private ChannelHandlerContext ctx;
    private State state = State.HANDSHAKE;
    private String app;
    private String requestedVhost;
    private final Map<String, String> connectParams = new LinkedHashMap<>();
    private int nextStreamId = 1;
    private StreamKey key;

    private Publication publication;
    private PlayerReader player;

    RtmpSession(long id, StreamRegistry registry, ClientRegistry clients, ChunkDecoder decoder, int chunkSize, int publishTimeoutSeconds) {
        this.id = id;
        this.registry = registry;
        this.clients = clients;
        this.decoder = decoder;
        this.chunkSize = chunkSize;
        this.publishTimeoutSeconds = publishTimeoutSeconds;
    }

    String tag() {
        return key != null ? "[" + key + " client=" + id + "]" : "[client=" + id + " " + (ctx == null ? "" : ctx.channel().remoteAddress()) + "]";
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        registration = clients.register(client);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleteEvent) {
            state = State.CONNECTING;
            LOG.debug("{} handshake done", tag());
        } else if (evt == RtmpServer.STOPPING) {
            serverStopping();
        } else if (evt instanceof IdleStateEvent) {
            LOG.warn("{} closing: no data for {} s ({})", tag(), state == State.PUBLISHING ? publishTimeoutSeconds : "the handshake timeout",
                    state == State.PUBLISHING ? "publisher idle" : "handshake or connect not completed");
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    /** The node or the RTMP bundle stops: say so to this client, then close. */
    private void serverStopping() {
        if (player != null) {
            player.drain();
            writeStatus(player.streamId, "NetStream.Play.Stop", "The server is stopping.");
            ctx.write(UserControl.streamEof(player.streamId));
        } else if (publication != null) {
            ctx.write(StatusObjects.onStatus("status", "NetStream.Unpublish.Success", "The server is stopping.")
                    .toMessage(ctx.alloc(), CSID_STATUS, currentStreamId()));
        }
        LOG.info("{} closing: the server is stopping", tag());
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> ctx.close());
    }

    @Override
    protected void onCommand(Command c) {
        LOG.debug("{} command {} {}", tag(), c.name(), c.arguments());
        switch (c.name()) {
            case "connect":
                onConnect(c);
                break;
            case "releaseStream":
            case "FCPublish":
            case "getStreamLength":
                requireConnected(c);
                if (c.transactionId() > 0) {
                    sendCommand(StatusObjects.result(c.transactionId(), null, Amf0.UNDEFINED), 0);
                }
                break;
            case "FCUnpublish":
                requireConnected(c);
                if (c.transactionId() > 0) {
                    sendCommand(StatusObjects.result(c.transactionId(), null, Amf0.UNDEFINED), 0);
                }
                stopPublishing();
                break;
            case "createStream":
                requireConnected(c);
                sendCommand(StatusObjects.result(c.transactionId(), null, (double) nextStreamId++), 0);
                break;
            case "publish":
                requireConnected(c);
                onPublish(c);
                break;
            case "play":
                requireConnected(c);
                onPlay(c);
                break;
            case "pause":
                onPause(c);
                break;
            case "deleteStream":
            case "closeStream":
                stopPublishing();
                stopPlaying();
                break;
            case "receiveAudio":
            case "receiveVideo":
            case "_result":
            case "onBWDone":
            case "_checkbw":
            case "setDataFrame":
                break;
            default:
                LOG.debug("{} ignoring command {}", tag(), c.name());
                if (c.transactionId() > 0) {
                    sendCommand(StatusObjects.error(c.transactionId(), null,
                            StatusObjects.status("error", "NetConnection.Call.Failed", "unknown command " + c.name())), 0);
                }
        }
    }

    private void requireConnected(Command c) {
        if (state == State.HANDSHAKE || state == State.CONNECTING) {
            throw new org.fluvia.codec.rtmp.RtmpProtocolException("command '" + c.name() + "' before connect");
        }
    }

    private void onConnect(Command c) {
        if (state != State.CONNECTING) {
            throw new org.fluvia.codec.rtmp.RtmpProtocolException("connect sent twice");
        }
        if (!(c.commandObject() instanceof Map)) {
            throw new org.fluvia.codec.rtmp.RtmpProtocolException("connect without a command object");
        }
        Map<?, ?> obj = (Map<?, ?>) c.commandObject();
        Object appValue = obj.get("app");
        String appText = appValue instanceof String ? (String) appValue : "";
        app = trimSlashes(RtmpUrl.stripQuery(appText, connectParams));
        Object tc = obj.get("tcUrl");
        if (tc instanceof String) {
            tcUrl = (String) tc;
            try {
                RtmpUrl url = RtmpUrl.parse((String) tc, false);
                requestedVhost = url.host();
                connectParams.putAll(url.params());
                if (app.isEmpty()) {
                    app = url.app();
                }
            } catch (IllegalArgumentException e) {
                LOG.debug("{} unparsable tcUrl {}: {}", tag(), tc, e.getMessage());
            }
        }
        if (app.isEmpty()) {
            throw new org.fluvia.codec.rtmp.RtmpProtocolException("connect without an app");
        }
        state = State.CONNECTED;
        // Players may stay silent for long: only a publisher is watched for idleness from now on.
        ctx.pipeline().remove("idle");
        double objectEncoding = obj.get("objectEncoding") instanceof Number ? ((Number) obj.get("objectEncoding")).doubleValue() : 0;
        ctx.write(ProtocolControl.windowAckSize(WINDOW_ACK_SIZE));
        ctx.write(ProtocolControl.setPeerBandwidth(WINDOW_ACK_SIZE, 2));
        ctx.write(ProtocolControl.setChunkSize(chunkSize));
        AmfObject props = AmfObject.of("fmsVer", "FMS/3,5,3,888", "capabilities", 127.0, "mode", 1.0);
        AmfObject info = StatusObjects.status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", objectEncoding);
        info.put("data", AmfObject.of("version", "3,5,3,888", "srs_server", "Fluvia"));
        sendCommand(StatusObjects.result(c.transactionId(), props, info), 0);
        LOG.info("{} connected app={} tcUrl={}", tag(), app, tc);
    }

    private static String trimSlashes(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '/') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == '/') {
            e--;
        }
        return s.substring(b, e);
    }

    /** Resolves the stream key of a publish or play name such as {@code cam?vhost=x&token=y}. */
    private StreamKey keyFor(Object nameArg) {
        if (!(nameArg instanceof String) || ((String) nameArg).isEmpty()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>(connectParams);
        String raw = (String) nameArg;
        param = raw.indexOf('?') >= 0 ? raw.substring(raw.indexOf('?') + 1) : "";
        String name = RtmpUrl.stripQuery(raw, params);
        if (name.isEmpty()) {
            return null;
        }
        String vhost = params.get("vhost");
        if (vhost == null || vhost.isEmpty()) {
            vhost = params.get("domain");
        }
        if (vhost == null || vhost.isEmpty()) {
            vhost = requestedVhost;
        }
        return new StreamKey(registry.resolveVhost(vhost), app, name);
    }

    private void onPublish(Command c) {
        int streamId = currentStreamId();
        StreamKey k = keyFor(c.arguments().isEmpty() ? null : c.arguments().get(0));
        if (k == null) {
            refuse(streamId, "NetStream.Publish.BadName", "publish without a stream name");
            return;
        }
        if (state != State.CONNECTED) {
            refuse(streamId, "NetStream.Publish.BadName", "this connection already " + (state == State.PLAYING ? "plays" : "publishes"));
            return;
        }
        key = k;
        admit(Client.Role.PUBLISH, streamId, "NetStream.Publish.Rejected", () -> startPublishing(k, streamId));
    }

    /**
     * Passes the client through the hooks (security, http_hooks) off the event loop, then continues
     * on it; a refusal answers {@code refusedCode} and closes the connection.
     */
    private void admit(Client.Role wanted, int streamId, String refusedCode, Runnable start) {
        role = wanted;
        state = State.ADMITTING;
        clients.admit(client).whenComplete((ok, error) -> ctx.executor().execute(() -> {
            if (state != State.ADMITTING || !ctx.channel().isActive()) {
                return;
            }
            if (error != null) {
                Throwable why = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
                refuse(streamId, refusedCode, why.getMessage() == null ? why.toString() : why.getMessage());
                return;
            }
            admitted = true;
            start.run();
        }));
    }

    private void startPublishing(StreamKey k, int streamId) {
        try {
            publication = registry.publish(k, SourceKind.PUBLISH, "rtmp client=" + id + " " + ctx.channel().remoteAddress());
        } catch (StreamBusyException e) {
            refuse(streamId, "NetStream.Publish.BadName", e.getMessage());
            return;
        }
        state = State.PUBLISHING;
        ctx.pipeline().addFirst("idle", new IdleStateHandler(publishTimeoutSeconds, 0, 0, TimeUnit.SECONDS));
        sendCommand(StatusObjects.onStatus("status", "NetStream.Publish.Start", "Started publishing stream."), streamId);
        LOG.info("{} publishing", tag());
    }

    private void refuse(int streamId, String code, String why) {
        LOG.warn("{} refused: {} ({})", tag(), code, why);
        ctx.writeAndFlush(StatusObjects.onStatus("error", code, why).toMessage(ctx.alloc(), CSID_STATUS, streamId))
                .addListener(f -> ctx.close());
        state = State.CLOSED;
    }

    private int currentStreamId() {
        return Math.max(1, nextStreamId - 1);
    }

    private void onPlay(Command c) {
        int streamId = currentStreamId();
        StreamKey k = keyFor(c.arguments().isEmpty() ? null : c.arguments().get(0));
        if (k == null) {
            refuse(streamId, "NetStream.Play.StreamNotFound", "play without a stream name");
            return;
        }
        if (state != State.CONNECTED) {
            refuse(streamId, "NetStream.Play.Failed", "this connection already " + (state == State.PUBLISHING ? "publishes" : "plays"));
            return;
        }
        key = k;
        admit(Client.Role.PLAY, streamId, "NetStream.Play.Rejected", () -> startPlaying(k, streamId));
    }

    private void startPlaying(StreamKey k, int streamId) {
        state = State.PLAYING;
        ctx.write(UserControl.streamBegin(streamId));
        writeStatus(streamId, "NetStream.Play.Reset", "Playing and resetting " + k.stream() + ".");
        writeStatus(streamId, "NetStream.Play.Start", "Started playing " + k.stream() + ".");
        ctx.write(new DataMessage("|RtmpSampleAccess", List.of(true, true)).toMessage(ctx.alloc(), CSID_STATUS, streamId));
        ctx.write(new DataMessage("onStatus", List.of(AmfObject.of("code", "NetStream.Data.Start"))).toMessage(ctx.alloc(), CSID_STATUS, streamId));
        ctx.flush();
        player = new PlayerReader(this, ctx, streamId, chunkSize);
        player.subscription = registry.subscribe(k, player);
        LOG.info("{} playing", tag());
    }

    void writeStatus(int streamId, String code, String description) {
        ctx.write(StatusObjects.onStatus("status", code, description).toMessage(ctx.alloc(), CSID_STATUS, streamId));
    }

    private void onPause(Command c) {
        if (player == null || c.arguments().isEmpty()) {
            return;
        }
        boolean pause = Boolean.TRUE.equals(c.arguments().get(0));
        player.paused = pause;
        writeStatus(player.streamId, pause ? "NetStream.Pause.Notify" : "NetStream.Unpause.Notify", pause ? "Paused." : "Unpaused.");
        ctx.flush();
        if (!pause) {
            player.drain();
        }
    }

    @Override
    protected void onMedia(RtmpMessage m) throws AmfException {
        if (publication == null) {
            return; // media from a client that does not publish (or publishes no longer) is ignored
        }
        MediaType type = MediaType.ofTypeId(m.typeId() == MessageType.DATA_AMF3 ? MessageType.DATA_AMF0 : m.typeId());
        ByteBuf payload = m.payload();
        if (type == MediaType.DATA) {
            ByteBuf body = payload.slice();
            if (m.typeId() == MessageType.DATA_AMF3 && body.isReadable()) {
                body.skipBytes(1);
            }
            int start = body.readerIndex();
            Object name = body.isReadable() ? Amf0.read(body) : null;
            int flags = 0;
            if ("@setDataFrame".equals(name)) {
                start = body.readerIndex();
                name = body.isReadable() ? Amf0.read(body) : null;
            }
            if ("onMetaData".equals(name)) {
                flags = MediaMessage.METADATA;
            }
            body.readerIndex(start);
            publication.publish(MediaMessage.of(MediaType.DATA, m.timestamp(), flags, body.retain()));
            return;
        }
        if (!payload.isReadable()) {
            return;
        }
        publication.publish(MediaMessage.of(type, m.timestamp(), payload.retainedSlice()));
    }

    private void stopPublishing() {
        if (publication != null) {
            publication.close();
            publication = null;
            endAdmitted();
            LOG.info("{} stopped publishing", tag());
            state = State.CONNECTED;
            removeIdle();
        }
    }

    private void stopPlaying() {
        if (player != null) {
            player.close();
            player = null;
            endAdmitted();
            state = State.CONNECTED;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && player != null) {
            player.drain();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (publication != null || player != null) {
            LOG.info("{} disconnected", tag());
        }
        stopPublishing();
        stopPlaying();
        state = State.CLOSED;
        try {
            registration.close();
        } catch (Exception e) {
            LOG.debug("{} unregistering: {}", tag(), e.toString());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.info("{} connection error: {}", tag(), cause.getMessage());
        } else {
            LOG.warn("{} closing: {}", tag(), describe(cause));
        }
        ctx.close();
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage();
        Throwable cause = t.getCause();
        if (cause != null && cause.getMessage() != null && (msg == null || !msg.contains(cause.getMessage()))) {
            msg = (msg == null ? "" : msg + ": ") + cause.getMessage();
        }
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    private void sendCommand(Command c, int streamId) {
        ctx.writeAndFlush(c.toMessage(ctx.alloc(), CSID_COMMAND, streamId));
    }

    private void endAdmitted() {
        if (admitted) {
            admitted = false;
            clients.ended(client);
        }
    }

    /** This connection as the API and the hooks see it. */
    private final class SessionClient implements Client {
        private final long connectedAt = System.currentTimeMillis();

        @Override
        public long id() {
            return id;
        }

        @Override
        public String protocol() {
            return "rtmp";
        }

        @Override
        public Role role() {
            return role;
        }

        @Override
        public String ip() {
            java.net.SocketAddress a = ctx.channel().remoteAddress();
            return a instanceof java.net.InetSocketAddress i ? i.getAddress().getHostAddress() : String.valueOf(a);
        }

        @Override
        public StreamKey stream() {
            return key;
        }

        @Override
        public String url() {
            String base = tcUrl != null ? tcUrl : "rtmp://" + ip() + "/" + (app == null ? "" : app);
            return key == null ? base : base + "/" + key.stream();
        }

        @Override
        public String param() {
            return param;
        }

        @Override
        public long connectedAt() {
            return connectedAt;
        }

        @Override
        public long bytesIn() {
            return decoder.bytesRead();
        }

        @Override
        public long bytesOut() {
            return bytesOut;
        }

        @Override
        public void kick() {
            LOG.info("{} kicked", tag());
            ctx.channel().close();
        }

        @Override
        public String toString() {
            return tag();
        }
    }

    /** A client that stopped publishing may idle like any other. */
    private void removeIdle() {
        if (ctx.pipeline().get("idle") != null) {
            ctx.pipeline().remove("idle");
        }
    }
}
