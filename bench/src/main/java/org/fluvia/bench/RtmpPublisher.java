package org.fluvia.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fluvia.codec.amf.Amf0;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.Command;
import org.fluvia.codec.rtmp.HandshakeCompleteEvent;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.codec.rtmp.ProtocolControl;
import org.fluvia.codec.rtmp.RtmpMessage;

/**
 * Publishes a loaded FLV in real time, in a loop, and records the send time of each video frame in
 * {@link SendTimes}. Later loops continue the timeline (one frame interval after the last tag) and
 * skip the metadata and sequence headers, so the server sees one continuous stream.
 */
final class RtmpPublisher extends ChannelInboundHandlerAdapter {

    static final int CHUNK_SIZE = 60000;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;
    private static final long TICK_MS = 5;

    private final ClientStats stats;
    private final LoadRun run;
    private final FlvFile file;
    private final String tcUrl;
    private final String app;
    private final String streamName;
    private int streamId;
    private ScheduledFuture<?> ticker;
    private long startNanos;
    private int index;
    private long loopOffset;
    private boolean firstLoop = true;

    RtmpPublisher(ClientStats stats, LoadRun run, FlvFile file, String tcUrl, String app, String streamName) {
        this.stats = stats;
        this.run = run;
        this.file = file;
        this.tcUrl = tcUrl;
        this.app = app;
        this.streamName = streamName;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        stats.connectedNanos = System.nanoTime();
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleteEvent) {
            ctx.write(ProtocolControl.setChunkSize(CHUNK_SIZE));
            AmfObject cmd = AmfObject.of("app", app, "type", "nonprivate", "flashVer", "FMLE/3.0 (compatible; fluvia-bench)",
                    "tcUrl", tcUrl);
            send(ctx, new Command("connect", 1, cmd, List.of()), 0);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    private static void send(ChannelHandlerContext ctx, Command c, int streamId) {
        ctx.writeAndFlush(c.toMessage(ctx.alloc(), CSID_COMMAND, streamId));
    }

    /** Takes ownership of {@code msg} and releases it. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (m.typeId() == MessageType.COMMAND_AMF0 || m.typeId() == MessageType.COMMAND_AMF3) {
                onCommand(ctx, Command.decode(m));
            }
        } finally {
            m.release();
        }
    }

    private void onCommand(ChannelHandlerContext ctx, Command c) {
        if (c.name().equals("_result") && c.transactionId() == 1) {
            send(ctx, new Command("releaseStream", 2, null, List.of(streamName)), 0);
            send(ctx, new Command("FCPublish", 3, null, List.of(streamName)), 0);
            send(ctx, new Command("createStream", 4, null, List.of()), 0);
        } else if (c.name().equals("_result") && c.transactionId() == 4) {
            streamId = c.argument(0) instanceof Number n ? n.intValue() : 1;
            send(ctx, new Command("publish", 5, null, List.of(streamName, "live")), streamId);
        } else if (c.name().equals("onStatus")) {
            String code = null;
            for (Object a : c.arguments()) {
                if (a instanceof Map<?, ?> info) {
                    code = String.valueOf(info.get("code"));
                }
            }
            if ("NetStream.Publish.Start".equals(code) && ticker == null) {
                stats.playingNanos = System.nanoTime();
                startNanos = stats.playingNanos;
                ticker = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), 0, TICK_MS, TimeUnit.MILLISECONDS);
            } else if (code != null && code.startsWith("NetStream.Publish.") && !code.equals("NetStream.Publish.Start")) {
                stats.fail("server refused publish: " + code);
                ctx.close();
            }
        } else if (c.name().equals("_error")) {
            stats.fail("server answered _error to the publisher");
            ctx.close();
        }
    }

    /** Sends every tag whose time has come, then flushes once. */
    private void tick(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        boolean wrote = false;
        List<FlvFile.Tag> tags = file.tags();
        for (int guard = 0; guard < tags.size(); guard++) {
            FlvFile.Tag tag = tags.get(index);
            long ts = loopOffset + tag.timestamp() - file.firstTimestamp();
            if (ts > elapsedMs) {
                break;
            }
            if (firstLoop || !tag.config()) {
                write(ctx, tag, (int) ts);
                wrote = true;
            }
            index++;
            if (index == tags.size()) {
                index = 0;
                firstLoop = false;
                loopOffset += file.durationMs() + file.frameIntervalMs();
            }
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void write(ChannelHandlerContext ctx, FlvFile.Tag tag, int ts) {
        ByteBuf body = tag.body();
        RtmpMessage message;
        switch (tag.type()) {
            case FlvFile.VIDEO -> {
                if (!tag.config()) {
                    run.sendTimes().put(stats.stream, ts, System.nanoTime());
                }
                message = new RtmpMessage(MessageType.VIDEO, CSID_VIDEO, ts, streamId, body.retainedDuplicate());
            }
            case FlvFile.AUDIO -> message = new RtmpMessage(MessageType.AUDIO, CSID_AUDIO, ts, streamId, body.retainedDuplicate());
            default -> {
                // Servers keep metadata sent as @setDataFrame, which is what encoders send.
                ByteBuf data = ctx.alloc().buffer(16 + body.readableBytes());
                Amf0.write(data, "@setDataFrame");
                data.writeBytes(body, body.readerIndex(), body.readableBytes());
                message = new RtmpMessage(MessageType.DATA_AMF0, CSID_DATA, ts, streamId, data);
            }
        }
        stats.messages++;
        stats.addBytes(body.readableBytes());
        ctx.write(message, ctx.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ticker != null) {
            ticker.cancel(false);
        }
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
