package org.fluvia.codec.rtmp;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Sends Acknowledgements as the peer's window fills and answers ping requests; sits right after
 * the {@link ChunkDecoder} it reads the byte count from.
 *
 * <p>Window Ack Size messages are learnt and passed on; ping requests are answered and released,
 * not passed on. Not sharable.
 */
public class AcknowledgementHandler extends ChannelDuplexHandler {

    private final ChunkDecoder decoder;
    private long window;
    private long lastAcknowledged;

    /** @param decoder the decoder in the same pipeline whose {@link ChunkDecoder#bytesRead()} is acknowledged */
    public AcknowledgementHandler(ChunkDecoder decoder) {
        this.decoder = decoder;
    }

    /** The window the peer asked for, 0 until it sent Window Acknowledgement Size. */
    public long window() {
        return window;
    }

    /** Takes ownership of {@code msg}: passes it on, or releases it when it is a ping request. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof RtmpMessage message) {
            if (message.typeId() == MessageType.WINDOW_ACK_SIZE) {
                int size;
                try {
                    size = ProtocolControl.readInt(message);
                } catch (RtmpProtocolException e) {
                    message.release();
                    throw e;
                }
                window = Integer.toUnsignedLong(size);
            } else if (message.typeId() == MessageType.USER_CONTROL) {
                UserControlEvent event;
                try {
                    event = UserControlEvent.decode(message.payload());
                } catch (RtmpProtocolException e) {
                    message.release();
                    throw e;
                }
                if (event.type() == UserControl.PING_REQUEST) {
                    message.release();
                    ctx.writeAndFlush(UserControl.pingResponse(event.value()));
                    acknowledgeIfDue(ctx);
                    return;
                }
            }
        }
        acknowledgeIfDue(ctx);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        // Also here: a window can fill with chunks that complete no message.
        acknowledgeIfDue(ctx);
        super.channelReadComplete(ctx);
    }

    private void acknowledgeIfDue(ChannelHandlerContext ctx) {
        if (window <= 0) {
            return;
        }
        long received = decoder.bytesRead();
        if (received - lastAcknowledged >= window) {
            lastAcknowledged = received;
            ctx.writeAndFlush(ProtocolControl.acknowledgement(received));
        }
    }
}
