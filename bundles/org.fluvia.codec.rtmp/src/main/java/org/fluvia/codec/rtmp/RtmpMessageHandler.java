package org.fluvia.codec.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an RTMP pipeline, server or client side: sorts decoded messages into commands
 * and media (splitting aggregates) and releases every message after handing it on. Protocol control
 * (chunk size, acknowledgement, window, user control) is the codec's business and is dropped here.
 */
public abstract class RtmpMessageHandler extends ChannelInboundHandlerAdapter {

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof RtmpMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            switch (m.typeId()) {
                case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> onCommand(Command.decode(m));
                case MessageType.AUDIO, MessageType.VIDEO, MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> onMedia(m);
                case MessageType.AGGREGATE -> {
                    for (RtmpMessage sub : Aggregate.split(m)) {
                        try {
                            onMedia(sub);
                        } finally {
                            sub.release();
                        }
                    }
                }
                default -> {
                }
            }
        } finally {
            m.release();
        }
    }

    /** A command message (AMF0 or AMF3). */
    protected abstract void onCommand(Command command) throws Exception;

    /**
     * An audio, video or data message (type 8, 9, 18 or 15), aggregates already split. The message is
     * released after this returns: keep its payload with {@code retainedSlice()}.
     */
    protected abstract void onMedia(RtmpMessage message) throws Exception;
}
