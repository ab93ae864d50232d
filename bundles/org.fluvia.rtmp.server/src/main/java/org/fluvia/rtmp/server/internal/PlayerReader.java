package org.fluvia.rtmp.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.UserControl;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.Subscription;

import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * An RTMP player's side of a stream: drains its hub queue into the channel as pre-encoded chunk
 * buffers shared with every other player of the same chunk size, one flush per drain.
 */
final class PlayerReader implements StreamReader {

    /** What makes two players' chunked forms of a message identical. */
    record EncodingKey(int chunkSize, int csid, int streamId) {
    }

    /** What makes two players' chunked forms of every message identical: the key of a run of them. */
    record RunKey(int chunkSize, int streamId) {
    }

    private final RtmpSession session;
    private final ChannelHandlerContext ctx;
    private final Channel channel;
    /** Where media is written: the chunk encoder's context, so it passes only the handlers below it. */
    private final ChannelHandlerContext out;
    final int streamId;
    private final EncodingKey audioKey;
    private final EncodingKey videoKey;
    private final EncodingKey dataKey;
    private final RunKey runKey;
    private final Function<MediaMessage, ByteBuf> encodeAudio;
    private final Function<MediaMessage, ByteBuf> encodeVideo;
    private final Function<MediaMessage, ByteBuf> encodeData;
    private final Function<MediaMessage, ByteBuf> encoding = this::encoding;
    Subscription subscription;
    boolean paused;
    private boolean sawPublish;
    private boolean closed;

    PlayerReader(RtmpSession session, ChannelHandlerContext ctx, int streamId, int chunkSize) {
        this.session = session;
        this.ctx = ctx;
        this.channel = ctx.channel();
        ChannelHandlerContext encoder = ctx.pipeline().context(ChunkEncoder.class);
        this.out = encoder != null ? encoder : ctx;
        this.streamId = streamId;
        this.audioKey = new EncodingKey(chunkSize, RtmpSession.CSID_AUDIO, streamId);
        this.videoKey = new EncodingKey(chunkSize, RtmpSession.CSID_VIDEO, streamId);
        this.dataKey = new EncodingKey(chunkSize, RtmpSession.CSID_DATA, streamId);
        this.runKey = new RunKey(chunkSize, streamId);
        this.encodeAudio = encoder(audioKey);
        this.encodeVideo = encoder(videoKey);
        this.encodeData = encoder(dataKey);
    }

    /** Made once per player, not per message: the hot loop allocates nothing of its own. */
    private Function<MediaMessage, ByteBuf> encoder(EncodingKey key) {
        return msg -> ChunkEncoder.encode(channel.alloc(), msg.type().typeId(), key.csid(), msg.timestamp(), key.streamId(),
                msg.payload(), key.chunkSize());
    }

    /** A message's chunked form for this player, shared with every player of the same key and owned by the message. */
    private ByteBuf encoding(MediaMessage m) {
        MediaType type = m.type();
        return type == MediaType.AUDIO ? m.encoded(audioKey, encodeAudio)
                : type == MediaType.VIDEO ? m.encoded(videoKey, encodeVideo) : m.encoded(dataKey, encodeData);
    }

    @Override
    public Executor executor() {
        return channel.eventLoop();
    }

    @Override
    public void onMessages(Subscription s) {
        drain();
    }

    /**
     * Writes what is queued while the channel takes it, from below the chunk encoder, then one flush:
     * first the run of messages shared with the other players at a tick, if there is one, then each
     * further message's shared chunk buffer as its own outbound message. The socket gets one gathering
     * write of all of them (Netty hands the buffers' memory addresses to writev; a composite of them
     * made a ByteBuffer per component on every write). Resumes on writability or unpause.
     */
    void drain() {
        Subscription s = subscription;
        if (s == null || closed || paused) {
            return;
        }
        boolean wrote = false;
        if (channel.isWritable()) {
            ByteBuf run = s.pollRun(runKey, encoding, channel.alloc());
            if (run != null) {
                session.bytesOut += run.readableBytes();
                out.write(run, out.voidPromise());
                wrote = true;
            }
        }
        while (channel.isWritable()) {
            MediaMessage m = s.poll();
            if (m == null) {
                break;
            }
            try {
                ByteBuf chunks = MediaMessage.sharedDuplicate(encoding(m));
                session.bytesOut += chunks.readableBytes();
                out.write(chunks, out.voidPromise());
                wrote = true;
            } finally {
                m.release();
            }
        }
        if (wrote) {
            out.flush();
        }
    }

    @Override
    public void onPublish(Subscription s) {
        if (closed) {
            return;
        }
        if (sawPublish) {
            ctx.write(UserControl.streamBegin(streamId));
            session.writeStatus(streamId, "NetStream.Play.PublishNotify", "Stream is published again.");
            ctx.flush();
        }
        sawPublish = true;
    }

    @Override
    public void onUnpublish(Subscription s) {
        if (closed) {
            return;
        }
        sawPublish = true;
        drain(); // what the publisher sent before leaving goes out before the notice
        session.writeStatus(streamId, "NetStream.Play.UnpublishNotify", "Stream is unpublished.");
        ctx.flush();
    }

    @Override
    public void onClose(Subscription s) {
        if (!closed) {
            closed = true;
            session.writeStatus(streamId, "NetStream.Play.Stop", "Stream is no longer served.");
            ctx.writeAndFlush(UserControl.streamEof(streamId));
        }
    }

    void close() {
        closed = true;
        Subscription s = subscription;
        subscription = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return session.tag();
    }
}
