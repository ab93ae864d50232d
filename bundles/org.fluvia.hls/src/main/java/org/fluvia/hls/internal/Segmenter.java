package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one stream into segments on the stream's own timeline, so that every node muxing the same
 * stream cuts at the same frames and names the segments the same.
 *
 * <p>With F = hls_fragment, a segment starts at the first video keyframe (for audio-only streams, the
 * first audio frame) whose timestamp t lies in a later F-slot than the current segment's start:
 * {@code floor(t / F) > floor(start / F)}. Its sequence number is {@code floor(t / F)}. That rule
 * depends only on the stream: equivalently, a keyframe starts a segment when the previous keyframe
 * lies in an earlier slot. So a muxer that joins mid-stream waits for the first keyframe whose
 * predecessor it has seen in an earlier slot, drops what came before, and from there produces what
 * every other node produces.
 *
 * <p>The one exception is the start of the timeline: the first keyframe of a run at most
 * {@value #TIMELINE_START_MS} ms into the timeline (the hub starts every publication at 0) starts
 * segment 0 at once rather than waiting a whole slot.
 *
 * <p><b>Settings changed while running</b> ({@link #settings(HlsSettings)}: hls_fragment, hls_td_ratio,
 * hls_wait_keyframe) apply from the next segment boundary: the open segment is still cut by the rule it
 * was opened with, and the segment that follows is opened with the new one. At a change of hls_fragment
 * the numbering continues: that segment is numbered previous + 1 (neither a jump, which would break the
 * playlist's media sequence, nor a step back, which would repeat a name), and from there counts slots of
 * the new length ({@code floor(t / F_new) + offset}). What nodes muxing the same stream share after a
 * change: the cuts are the same again from the second segment after each applied it (the first is cut
 * on the new grid from wherever the old one left it); the numbers are not when the nodes applied the
 * change at different moments (a SIGHUP sent to each in turn) or one started after it: they then differ
 * by a constant for the rest of the publication, as numbers differ between nodes that saw different
 * republishes. A player that stays on one node sees continuous numbering either way.
 *
 * <p>Not thread-safe: one stream's reader thread drives it.
 */
final class Segmenter {

    /** A run's first cut candidate this close to 0 is the timeline's first frame. */
    static final long TIMELINE_START_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(Segmenter.class);
    private static final long DEFAULT_FRAME_MS = 40;

    /** Receives closed segments. */
    interface Listener {
        /**
         * A segment is complete. Takes ownership of {@code data}.
         */
        void segmentClosed(long seq, long startMs, long durationMs, boolean discontinuity, ByteBuf data);
    }

    private long fragmentMs;
    private long maxDurationMs;
    private boolean waitKeyframe;
    /** Settings to apply at the next segment boundary; null when none are waiting. */
    private HlsSettings pending;
    /** hls_fragment changed: the next segment is numbered previous + 1 and the offset rebased on it. */
    private boolean rebase;
    private final SegmentEncoder encoder;
    private final ByteBufAllocator alloc;
    private final Listener listener;
    private final Object name;
    private long encoderErrors;
    private boolean encoderErrorLogged;

    /** The current publication has video: then only video keyframes start segments. */
    private boolean hasVideo;
    /** The previous cut candidate of this run (keyframe, or audio frame when audio-only); -1 = none yet. */
    private long lastCandidateMs = -1;
    /** Added to floor(t / F) so that a republish whose timeline restarts never reuses a name. */
    private long seqOffset;
    /** The highest sequence number ever emitted, -1 before the first. */
    private long lastSeq = -1;
    private boolean pendingDiscontinuity;

    // The open segment; data == null when none is open.
    private ByteBuf data;
    private long seq;
    private long startMs;
    private long lastMs;
    private long lastFrameMs = -1;
    private long frameDurationMs = DEFAULT_FRAME_MS;
    private boolean discontinuity;

    /** @param name the stream, for log lines */
    Segmenter(Object name, HlsSettings settings, SegmentEncoder encoder, ByteBufAllocator alloc, Listener listener) {
        this.name = name;
        apply(settings);
        this.encoder = encoder;
        this.alloc = alloc;
        this.listener = listener;
    }

    private void apply(HlsSettings settings) {
        if (fragmentMs != 0 && settings.fragmentMs() != fragmentMs) {
            rebase = true;
        }
        this.fragmentMs = settings.fragmentMs();
        this.maxDurationMs = Math.round(settings.fragmentMs() * settings.tdRatio());
        this.waitKeyframe = settings.waitKeyframe();
    }

    /**
     * New settings (a configuration change): they apply at the next segment boundary, or at once when
     * no segment is open. See the class comment for the numbering.
     */
    void settings(HlsSettings next) {
        if (data == null) {
            pending = null;
            apply(next);
        } else {
            pending = next;
        }
    }

    /** The fragment length in force now (the open segment's rule), ms. */
    long fragmentMs() {
        return fragmentMs;
    }

    private void applyPending() {
        if (pending != null) {
            if (pending.fragmentMs() != fragmentMs) {
                LOG.info("[{}] hls: segments are {} s from here (were {} s)", name, pending.fragmentMs() / 1000.0,
                        fragmentMs / 1000.0);
            }
            apply(pending);
            pending = null;
        }
    }

    /** A (re)publish starts a new run: its first segment is marked as a discontinuity if any came before. */
    void publish() {
        closeSegment(true);
        hasVideo = false;
        lastCandidateMs = -1;
        lastFrameMs = -1;
        encoderErrorLogged = false;
        if (lastSeq >= 0) {
            pendingDiscontinuity = true;
        }
    }

    /** The source left: the open segment is closed (its duration ends one frame after its last frame). */
    void unpublish() {
        closeSegment(true);
        lastCandidateMs = -1;
    }

    /** Whether a segment is open. */
    boolean inSegment() {
        return data != null;
    }

    /** Feeds one message; does not take ownership. */
    void accept(MediaMessage m) {
        if (m.isMetadata() || m.type() == MediaType.DATA) {
            return;
        }
        boolean video = m.type() == MediaType.VIDEO;
        if (m.isSequenceHeader()) {
            if (video) {
                hasVideo = true;
            }
            try {
                if (video) {
                    encoder.setVideoConfig(m.payload());
                } else {
                    encoder.setAudioConfig(m.payload());
                }
            } catch (RuntimeException e) {
                encoderFailed(m, e);
            }
            return;
        }
        if (video) {
            hasVideo = true;
        }
        long t = Integer.toUnsignedLong(m.timestamp());
        boolean candidate = video ? m.isVideoKeyframe() : !hasVideo;
        if (candidate) {
            boolean cut = data != null ? slot(t) > slot(startMs) : startsRun(t);
            lastCandidateMs = t;
            if (cut) {
                closeSegment(false, t);
                openSegment(t);
            }
        } else if (!waitKeyframe && data != null && video && t - startMs >= maxDurationMs) {
            // hls_wait_keyframe off: a segment longer than fragment * td_ratio is cut at any frame.
            closeSegment(false, t);
            openSegment(t);
        }
        if (data == null) {
            return; // before the first boundary: nothing a player could start with
        }
        if (video == hasVideo) {
            if (lastFrameMs >= 0 && t > lastFrameMs) {
                frameDurationMs = t - lastFrameMs;
            }
            lastFrameMs = t;
        }
        lastMs = Math.max(lastMs, t);
        int before = data.writerIndex();
        try {
            if (video) {
                encoder.writeVideo(data, m.timestamp(), m.payload());
            } else {
                encoder.writeAudio(data, m.timestamp(), m.payload());
            }
        } catch (RuntimeException e) {
            data.writerIndex(before);
            encoderFailed(m, e);
        }
    }

    /** A frame the encoder cannot take (an unsupported codec, a broken body) is skipped; said once per run. */
    private void encoderFailed(MediaMessage m, RuntimeException e) {
        encoderErrors++;
        if (!encoderErrorLogged) {
            encoderErrorLogged = true;
            LOG.warn("[{}] hls: skipping {} (and any like it in this publication): {}", name, m, e.toString());
        }
    }

    /** Frames skipped because the encoder refused them. */
    long encoderErrors() {
        return encoderErrors;
    }

    private boolean startsRun(long t) {
        if (lastCandidateMs < 0) {
            return t <= TIMELINE_START_MS;
        }
        return slot(t) > slot(lastCandidateMs);
    }

    private long slot(long t) {
        return t / fragmentMs;
    }

    private void openSegment(long t) {
        if (rebase && lastSeq >= 0) {
            seqOffset = lastSeq + 1 - slot(t);
        }
        rebase = false;
        long s = slot(t) + seqOffset;
        if (s <= lastSeq) { // the timeline went back (a republish starts at 0 again): keep names unique
            seqOffset += lastSeq + 1 - s;
            s = lastSeq + 1;
        }
        seq = s;
        startMs = t;
        lastMs = t;
        discontinuity = pendingDiscontinuity;
        pendingDiscontinuity = false;
        data = alloc.buffer(256 * 1024);
        encoder.beginSegment(data);
    }

    private void closeSegment(boolean last) {
        closeSegment(last, -1);
    }

    private void closeSegment(boolean last, long nextStartMs) {
        if (data == null) {
            return;
        }
        long duration = last ? lastMs - startMs + frameDurationMs : nextStartMs - startMs;
        ByteBuf d = data;
        data = null;
        lastSeq = seq;
        applyPending(); // the closed segment was cut by the old rule; the next one follows the new
        listener.segmentClosed(seq, startMs, Math.max(0, duration), discontinuity, d);
    }

    /** Drops the open segment without emitting it (the muxer is going away without a chance to write). */
    void discard() {
        if (data != null) {
            data.release();
            data = null;
        }
        applyPending();
    }
}
