package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the client side of the RTMP handshake once the channel is active, then removes itself
 * and fires {@link HandshakeCompleteEvent}.
 *
 * <p>Bytes that follow S2 in the same read are passed on to the next handler. An S0 other than 3
 * closes the channel with an {@link RtmpHandshakeException}; a missing or wrong server digest does
 * not, because servers differ there (a simple-handshake server just gets an S1 echo as C2).
 */
public class HandshakeClientHandler extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeClientHandler.class);

    private enum State { INITIAL, READ_S0_S1_S2, DONE, FAILED }

    private final boolean digestForm;
    private final Random random;
    private State state = State.INITIAL;
    private byte[] c1Digest;

    /** A client that offers the digest handshake, with a thread-local random source. */
    public HandshakeClientHandler() {
        this(true, null);
    }

    /** @param digestForm whether C1 is signed (digest handshake) or plain (simple handshake) */
    public HandshakeClientHandler(boolean digestForm) {
        this(digestForm, null);
    }

    /**
     * @param digestForm whether C1 is signed (digest handshake) or plain (simple handshake)
     * @param random     the source of the random bytes in C1 and C2; null means a thread-local one
     */
    public HandshakeClientHandler(boolean digestForm, Random random) {
        this.digestForm = digestForm;
        this.random = random;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            sendC0C1(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sendC0C1(ctx);
        super.channelActive(ctx);
    }

    private void sendC0C1(ChannelHandlerContext ctx) {
        if (state != State.INITIAL) {
            return;
        }
        state = State.READ_S0_S1_S2;
        byte[] c1 = new byte[Handshake.PACKET_SIZE];
        Handshake.putInt(c1, 0, Handshake.uptime());
        Handshake.randomBytes(random, c1, 8, Handshake.PACKET_SIZE);
        if (digestForm) {
            Handshake.putInt(c1, 4, Handshake.PLAYER_VERSION);
            int offset = Handshake.sign(c1, Handshake.SCHEMA_DIGEST_FIRST, Handshake.PLAYER_KEY,
                    Handshake.PLAYER_KEY_TEXT_LENGTH);
            c1Digest = Handshake.slice(c1, offset, Handshake.DIGEST_SIZE);
        }
        ByteBuf request = ctx.alloc().buffer(1 + Handshake.PACKET_SIZE);
        request.writeByte(Handshake.VERSION).writeBytes(c1);
        ctx.writeAndFlush(request);
    }

    /** Reads S0+S1+S2 and answers C2; {@code in} stays owned by the superclass. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state != State.READ_S0_S1_S2) {
            // Nothing is expected before C0+C1 went out or after a failure.
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!in.isReadable()) {
            return;
        }
        int version = in.getUnsignedByte(in.readerIndex());
        if (version != Handshake.VERSION) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            ctx.close();
            throw new RtmpHandshakeException("unsupported RTMP version " + version);
        }
        if (in.readableBytes() < 1 + 2 * Handshake.PACKET_SIZE) {
            return;
        }
        in.skipBytes(1);
        byte[] s1 = new byte[Handshake.PACKET_SIZE];
        byte[] s2 = new byte[Handshake.PACKET_SIZE];
        in.readBytes(s1).readBytes(s2);

        boolean serverDigest = false;
        byte[] c2 = s1;
        if (digestForm) {
            int schema = Handshake.findSchema(s1, Handshake.SERVER_KEY, Handshake.SERVER_KEY_TEXT_LENGTH);
            if (schema >= 0) {
                serverDigest = true;
                byte[] s1Digest = Handshake.slice(s1, Handshake.digestOffset(s1, schema), Handshake.DIGEST_SIZE);
                c2 = Handshake.answer(s1Digest, Handshake.PLAYER_KEY, random);
                byte[] expected = Handshake.answerDigest(s2, c1Digest, Handshake.SERVER_KEY);
                if (!MessageDigest.isEqual(expected,
                        Handshake.slice(s2, Handshake.PACKET_SIZE - Handshake.DIGEST_SIZE, Handshake.DIGEST_SIZE))) {
                    LOG.debug("[{}] S2 digest does not verify; continuing", ctx.channel().remoteAddress());
                }
            } else {
                LOG.debug("[{}] S1 carries no valid server digest; answering with the simple handshake",
                        ctx.channel().remoteAddress());
            }
        }
        ByteBuf response = ctx.alloc().buffer(Handshake.PACKET_SIZE);
        response.writeBytes(c2);
        ctx.writeAndFlush(response);
        state = State.DONE;
        ctx.fireUserEventTriggered(new HandshakeCompleteEvent(serverDigest));
        ctx.pipeline().remove(this);
    }
}
