package org.fluvia.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;
import org.fluvia.codec.amf.AmfObject;
import org.fluvia.codec.rtmp.Aggregate;
import org.fluvia.codec.rtmp.Command;
import org.fluvia.codec.rtmp.HandshakeCompleteEvent;
import org.fluvia.codec.rtmp.MessageType;
import org.fluvia.codec.rtmp.RtmpMessage;
import org.fluvia.codec.rtmp.UserControl;

/**
 * A minimal RTMP player: connect, createStream, play, then only counts what arrives. Sits after the
 * codec's handshake, chunk and acknowledgement handlers.
 */
final class RtmpPlayer extends ChannelInboundHandlerAdapter {

    private static final int CSID_COMMAND = 3;
    private static final int CSID_PLAY = 8;

    private final ClientStats stats;
    private final LoadRun run;
    private final String tcUrl;
    private final String app;
    private final String streamName;

    RtmpPlayer(ClientStats stats, LoadRun run, String tcUrl, String app, String streamName) {
        this.stats = stats;
        this.run = run;
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
            stats.handshakeNanos = System.nanoTime();
            AmfObject cmd = AmfObject.of("app", app, "flashVer", "LNX 9,0,124,2", "tcUrl", tcUrl, "fpad", false,
                    "capabilities", 15.0, "audioCodecs", 4071.0, "videoCodecs", 252.0, "videoFunction", 1.0);
            ctx.writeAndFlush(new Command("connect", 1, cmd, List.of()).toMessage(ctx.alloc(), CSID_COMMAND, 0));
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    /** Takes ownership of {@code msg} and releases it. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            long now = System.nanoTime();
            switch (m.typeId()) {
                case MessageType.VIDEO -> stats.onVideo(m.timestamp(), m.payload(), now, run);
                case MessageType.AUDIO, MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> stats.onMedia(now);
                case MessageType.AGGREGATE -> {
                    for (RtmpMessage sub : Aggregate.split(m)) {
                        try {
                            if (sub.typeId() == MessageType.VIDEO) {
                                stats.onVideo(sub.timestamp(), sub.payload(), now, run);
                            } else {
                                stats.onMedia(now);
                            }
                        } finally {
                            sub.release();
                        }
                    }
                }
                case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> onCommand(ctx, Command.decode(m));
                default -> {
                }
            }
        } finally {
            m.release();
        }
    }

    private void onCommand(ChannelHandlerContext ctx, Command c) {
        switch (c.name()) {
            case "_result" -> {
                if (c.transactionId() == 1) {
                    stats.connectAnsweredNanos = System.nanoTime();
                    ctx.writeAndFlush(new Command("createStream", 2, null, List.of()).toMessage(ctx.alloc(), CSID_COMMAND, 0));
                } else if (c.transactionId() == 2) {
                    stats.streamCreatedNanos = System.nanoTime();
                    int streamId = c.argument(0) instanceof Number n ? n.intValue() : 1;
                    ctx.write(UserControl.setBufferLength(streamId, 1000));
                    ctx.writeAndFlush(new Command("play", 3, null, List.of(streamName, -1000.0))
                            .toMessage(ctx.alloc(), CSID_PLAY, streamId));
                }
            }
            case "_error" -> {
                stats.fail("server answered _error: " + status(c));
                ctx.close();
            }
            case "onStatus" -> {
                String code = status(c);
                if ("NetStream.Play.Start".equals(code) && stats.playingNanos < 0) {
                    stats.playingNanos = System.nanoTime();
                } else if (code != null && (code.contains("Failed") || code.contains("StreamNotFound")
                        || code.contains("UnpublishNotify") || code.contains("Play.Stop"))) {
                    if (!run.ending()) {
                        stats.fail("server said " + code);
                    }
                }
            }
            default -> {
            }
        }
    }

    private static String status(Command c) {
        for (Object a : c.arguments()) {
            if (a instanceof Map<?, ?> info) {
                return String.valueOf(info.get("code"));
            }
        }
        return null;
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
