package org.fluvia.codec.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Random;

/**
 * Performs the server side of the RTMP handshake (digest form when C1 carries a valid digest,
 * simple form otherwise), then removes itself and fires {@link HandshakeCompleteEvent}.
 *
 * <p>Bytes that follow C2 in the same read are passed on to the next handler. A C0 other than 3
 * (including 6, RTMPE) closes the channel with an {@link RtmpHandshakeException}.
 */
public class HandshakeServerHandler extends ByteToMessageDecoder {

    private enum State { READ_C0_C1, READ_C2, DONE, FAILED }

    private final Random random;
    private State state = State.READ_C0_C1;
    private boolean digest;

    /** A handler with a thread-local random source. */
    public HandshakeServerHandler() {
        this(null);
    }

    /**
     * @param random the source of the random bytes in S1 and S2 (tests pass a seeded one); null
     *               means a thread-local one
     */
    public HandshakeServerHandler(Random random) {
        this.random = random;
    }

    /** Reads C0+C1, answers S0+S1+S2, reads C2; {@code in} stays owned by the superclass. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_C0_C1:
                if (!in.isReadable()) {
                    return;
                }
                // Checked on the first byte so a non-RTMP peer is dropped without waiting for 1537 bytes.
                int version = in.getUnsignedByte(in.readerIndex());
                if (version != Handshake.VERSION) {
                    fail(ctx, in, new RtmpHandshakeException("unsupported RTMP version " + version));
                }
                if (in.readableBytes() < 1 + Handshake.PACKET_SIZE) {
                    return;
                }
                in.skipBytes(1);
                byte[] c1 = new byte[Handshake.PACKET_SIZE];
                in.readBytes(c1);
                answer(ctx, c1);
                state = State.READ_C2;
                // fall through: C2 may already be here
            case READ_C2:
                if (in.readableBytes() < Handshake.PACKET_SIZE) {
                    return;
                }
                // C2 is not checked: several widespread clients send an S1 echo in the digest form and vice versa.
                in.skipBytes(Handshake.PACKET_SIZE);
                state = State.DONE;
                ctx.fireUserEventTriggered(new HandshakeCompleteEvent(digest));
                ctx.pipeline().remove(this);
                return;
            default:
                in.skipBytes(in.readableBytes());
        }
    }

    private void answer(ChannelHandlerContext ctx, byte[] c1) {
        byte[] s1 = new byte[Handshake.PACKET_SIZE];
        byte[] s2;
        Handshake.putInt(s1, 0, Handshake.uptime());
        Handshake.randomBytes(random, s1, 8, Handshake.PACKET_SIZE);
        int schema = Handshake.findSchema(c1, Handshake.PLAYER_KEY, Handshake.PLAYER_KEY_TEXT_LENGTH);
        if (schema >= 0) {
            digest = true;
            Handshake.putInt(s1, 4, Handshake.SERVER_VERSION);
            Handshake.sign(s1, schema, Handshake.SERVER_KEY, Handshake.SERVER_KEY_TEXT_LENGTH);
            byte[] c1Digest = Handshake.slice(c1, Handshake.digestOffset(c1, schema), Handshake.DIGEST_SIZE);
            s2 = Handshake.answer(c1Digest, Handshake.SERVER_KEY, random);
        } else {
            s2 = c1;
        }
        ByteBuf response = ctx.alloc().buffer(1 + 2 * Handshake.PACKET_SIZE);
        response.writeByte(Handshake.VERSION).writeBytes(s1).writeBytes(s2);
        ctx.writeAndFlush(response);
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, RtmpHandshakeException e) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        ctx.close();
        throw e;
    }
}
