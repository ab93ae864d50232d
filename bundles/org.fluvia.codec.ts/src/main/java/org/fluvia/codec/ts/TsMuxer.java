package org.fluvia.codec.ts;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.fluvia.codec.flv.AacConfiguration;
import org.fluvia.codec.flv.AvcConfiguration;
import org.fluvia.codec.flv.FlvAudio;
import org.fluvia.codec.flv.FlvFormatException;
import org.fluvia.codec.flv.FlvVideo;

/**
 * Muxes FLV H.264/AAC tag bodies into an MPEG-2 transport stream (ISO/IEC 13818-1) for HLS segments
 * (RFC 8216 section 3.2): one program (number 1), PMT on PID 0x1001, H.264 on 0x100, AAC (ADTS) on 0x101.
 *
 * <p>Output depends only on the sequence of calls: no clock, no randomness. Every write appends whole
 * 188-byte packets to {@code out}, or nothing when it throws.
 *
 * <p>Timestamps: {@code dts = timestampMs * 90} and {@code pts = (timestampMs + compositionTimeMs) * 90},
 * in the 90 kHz clock, with no offset, masked to 33 bits (so they wrap every 2^33 ticks, about 26.5 hours;
 * a negative {@code timestampMs + compositionTimeMs} wraps too). {@code timestampMs} is read as unsigned
 * 32-bit. The PCR is the DTS of the PES that carries it (the PTS for audio).
 *
 * <p>PCR placement: on the first packet of every PES of the PCR PID, which is the video PID when a
 * video configuration is set and otherwise the audio PID. Keyframes (and, without video, every audio
 * frame) also carry the random_access_indicator.
 *
 * <p>Continuity counters are per PID and carried across calls; {@link #resetContinuityCounters()} sets
 * them all to 0 so a segment cut at the same place is byte-identical on every node.
 *
 * <p>Not thread-safe: one instance per segmenter.
 */
public final class TsMuxer {
    /** Bytes in a transport stream packet. */
    public static final int PACKET_SIZE = 188;
    /** PID of the program association table. */
    public static final int PAT_PID = 0x0000;
    /** PID of the program map table. */
    public static final int PMT_PID = 0x1001;
    /** PID of the H.264 elementary stream. */
    public static final int VIDEO_PID = 0x100;
    /** PID of the AAC elementary stream. */
    public static final int AUDIO_PID = 0x101;
    /** The program number in the PAT and PMT. */
    public static final int PROGRAM_NUMBER = 1;
    /** stream_type of H.264 video (ISO/IEC 13818-1 table 2-34). */
    public static final int STREAM_TYPE_H264 = 0x1B;
    /** stream_type of AAC audio with ADTS transport syntax. */
    public static final int STREAM_TYPE_AAC_ADTS = 0x0F;
    /** PES stream_id of the video stream. */
    public static final int STREAM_ID_VIDEO = 0xE0;
    /** PES stream_id of the audio stream. */
    public static final int STREAM_ID_AUDIO = 0xC0;

    static final int TRANSPORT_STREAM_ID = 1;
    static final int NULL_PID = 0x1FFF;
    static final long TIMESTAMP_MASK = (1L << 33) - 1;

    private static final int SYNC_BYTE = 0x47;
    private static final int HEADER_SIZE = 4;
    private static final int PAYLOAD_SIZE = PACKET_SIZE - HEADER_SIZE;
    private static final int PCR_SIZE = 6;
    private static final int FLAG_RANDOM_ACCESS = 0x40;
    private static final int FLAG_PCR = 0x10;
    /** '10', not scrambled, no priority, data_alignment_indicator (each PES starts with an access unit), no copyright. */
    private static final int PES_FLAGS = 0x84;
    private static final int PTS_ONLY = 0x80;
    private static final int PTS_AND_DTS = 0xC0;
    private static final int FLV_VIDEO_HEADER = 5;
    private static final int FLV_AUDIO_HEADER = 2;
    private static final int ADTS_HEADER = 7;
    private static final int ADTS_MAX_FRAME = 0x1FFF;
    private static final int NAL_SLICE_IDR = 5;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final int NAL_AUD = 9;
    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** Access unit delimiter: primary_pic_type 7 (any slice type), then the RBSP stop bit. */
    private static final byte[] AUD = {0, 0, 0, 1, NAL_AUD, (byte) 0xF0};

    private AvcConfiguration video;
    /** SPS and PPS from {@link #video} in Annex B form, inserted before keyframes that lack them. */
    private byte[] videoParameterSets;
    private AacConfiguration audio;
    private int adtsProfile;
    private int ccPat;
    private int ccPmt;
    private int ccVideo;
    private int ccAudio;

    /** Creates a muxer with no stream configured and all continuity counters at 0. */
    public TsMuxer() {
    }

    /**
     * Sets (or replaces) the H.264 configuration; the PMT lists the video stream from now on.
     *
     * @param flvVideoSequenceHeaderBody an AVC sequence header tag body; not consumed, not released
     * @throws TsFormatException if it is not a valid AVC sequence header
     */
    public void setVideoConfig(ByteBuf flvVideoSequenceHeaderBody) {
        AvcConfiguration config;
        try {
            config = AvcConfiguration.parse(flvVideoSequenceHeaderBody);
        } catch (FlvFormatException e) {
            throw new TsFormatException("bad video configuration: " + e.getMessage(), e);
        }
        int size = 0;
        for (byte[] nal : config.sps()) {
            size += START_CODE.length + nal.length;
        }
        for (byte[] nal : config.pps()) {
            size += START_CODE.length + nal.length;
        }
        byte[] sets = new byte[size];
        int at = 0;
        for (byte[] nal : config.sps()) {
            at = putNal(sets, at, nal);
        }
        for (byte[] nal : config.pps()) {
            at = putNal(sets, at, nal);
        }
        this.video = config;
        this.videoParameterSets = sets;
    }

    private static int putNal(byte[] to, int at, byte[] nal) {
        System.arraycopy(START_CODE, 0, to, at, START_CODE.length);
        System.arraycopy(nal, 0, to, at + START_CODE.length, nal.length);
        return at + START_CODE.length + nal.length;
    }

    /**
     * Sets (or replaces) the AAC configuration; the PMT lists the audio stream from now on.
     *
     * @param flvAudioSequenceHeaderBody an AAC sequence header tag body; not consumed, not released
     * @throws TsFormatException if it is not a valid AAC sequence header or cannot be expressed in ADTS
     *     (explicit sampling rate, or an object type other than Main, LC, SSR, LTP, SBR or PS)
     */
    public void setAudioConfig(ByteBuf flvAudioSequenceHeaderBody) {
        AacConfiguration config;
        try {
            config = AacConfiguration.parse(flvAudioSequenceHeaderBody);
        } catch (FlvFormatException e) {
            throw new TsFormatException("bad audio configuration: " + e.getMessage(), e);
        }
        int objectType = config.audioObjectType();
        int profile;
        if (objectType >= 1 && objectType <= 4) {
            profile = objectType - 1;
        } else if (objectType == 5 || objectType == 29) {
            // HE-AAC (v2): ADTS signals the AAC LC core at its core rate; decoders find SBR/PS implicitly.
            profile = 1;
        } else {
            throw new TsFormatException("AAC object type " + objectType + " cannot be carried in ADTS");
        }
        if (config.samplingFrequencyIndex() > 12) {
            throw new TsFormatException("AAC explicit sampling rate " + config.sampleRate() + " cannot be carried in ADTS");
        }
        this.audio = config;
        this.adtsProfile = profile;
    }

    /** Sets the continuity counter of every PID to 0; call at each segment start for node-independent segments. */
    public void resetContinuityCounters() {
        ccPat = 0;
        ccPmt = 0;
        ccVideo = 0;
        ccAudio = 0;
    }

    /**
     * Writes a PAT and a PMT, each in one packet. The PMT lists the streams that have a configuration;
     * its PCR_PID is the video PID, else the audio PID, else 0x1FFF.
     *
     * @param out where the two packets are appended
     */
    public void writeTables(ByteBuf out) {
        out.ensureWritable(2 * PACKET_SIZE);
        // PAT (2.4.4.3): one program.
        int start = beginSection(out, PAT_PID, nextCc(PAT_PID));
        out.writeByte(0x00); // table_id: program_association_section
        out.writeShort(0xB000 | (5 + 4 + 4)); // section_syntax_indicator, '0', reserved, section_length
        out.writeShort(TRANSPORT_STREAM_ID);
        out.writeByte(0xC1); // reserved, version_number 0, current_next_indicator 1
        out.writeByte(0); // section_number
        out.writeByte(0); // last_section_number
        out.writeShort(PROGRAM_NUMBER);
        out.writeShort(0xE000 | PMT_PID);
        endSection(out, start);

        // PMT (2.4.4.8).
        int streams = (video != null ? 1 : 0) + (audio != null ? 1 : 0);
        start = beginSection(out, PMT_PID, nextCc(PMT_PID));
        out.writeByte(0x02); // table_id: TS_program_map_section
        out.writeShort(0xB000 | (9 + 5 * streams + 4));
        out.writeShort(PROGRAM_NUMBER);
        out.writeByte(0xC1);
        out.writeByte(0);
        out.writeByte(0);
        out.writeShort(0xE000 | pcrPid());
        out.writeShort(0xF000); // reserved, program_info_length 0
        if (video != null) {
            writeStreamEntry(out, STREAM_TYPE_H264, VIDEO_PID);
        }
        if (audio != null) {
            writeStreamEntry(out, STREAM_TYPE_AAC_ADTS, AUDIO_PID);
        }
        endSection(out, start);
    }

    private int pcrPid() {
        return video != null ? VIDEO_PID : audio != null ? AUDIO_PID : NULL_PID;
    }

    private static void writeStreamEntry(ByteBuf out, int streamType, int pid) {
        out.writeByte(streamType);
        out.writeShort(0xE000 | pid);
        out.writeShort(0xF000); // reserved, ES_info_length 0
    }

    /** Writes the packet header and pointer_field; returns the index of the packet's first byte. */
    private static int beginSection(ByteBuf out, int pid, int cc) {
        int start = out.writerIndex();
        out.writeByte(SYNC_BYTE);
        out.writeShort(0x4000 | pid); // payload_unit_start_indicator
        out.writeByte(0x10 | cc); // payload only
        out.writeByte(0); // pointer_field
        return start;
    }

    /** Appends the CRC over the section (after the pointer field) and fills the packet with 0xFF. */
    private static void endSection(ByteBuf out, int packetStart) {
        int sectionStart = packetStart + HEADER_SIZE + 1;
        out.writeInt(Crc32Mpeg2.compute(out, sectionStart, out.writerIndex() - sectionStart));
        out.writeBytes(ff(packetStart + PACKET_SIZE - out.writerIndex()));
    }

    private static byte[] ff(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0xFF);
        return b;
    }

    /**
     * Writes one H.264 frame as a video PES. Sequence header and end-of-sequence bodies (AVCPacketType 0
     * and 2) and frames without NAL units write nothing. Zero-length NAL units are dropped.
     *
     * @param out where the packets are appended; untouched when this throws
     * @param timestampMs the FLV tag timestamp (the DTS), unsigned 32-bit milliseconds
     * @param flvVideoBody the FLV video tag body (5-byte header, then length-prefixed NAL units);
     *     not consumed, not released
     * @throws TsFormatException if the body is not AVC or its NAL unit lengths are truncated or overrun it
     * @throws IllegalStateException if no video configuration was set
     */
    public void writeVideo(ByteBuf out, int timestampMs, ByteBuf flvVideoBody) {
        int base = flvVideoBody.readerIndex();
        int end = flvVideoBody.writerIndex();
        if (end - base < 2) {
            throw new TsFormatException("video body of " + (end - base) + " bytes is too short");
        }
        int codec = FlvVideo.codecId(flvVideoBody);
        if (codec != FlvVideo.CODEC_AVC) {
            throw new TsFormatException("video codec " + FlvVideo.codecName(codec) + " is not supported, only H264");
        }
        int packetType = flvVideoBody.getUnsignedByte(base + 1);
        if (packetType != FlvVideo.PACKET_NALU) {
            if (packetType == FlvVideo.PACKET_SEQUENCE_HEADER || packetType == 2) {
                return;
            }
            throw new TsFormatException("unknown AVCPacketType " + packetType);
        }
        if (end - base < FLV_VIDEO_HEADER) {
            throw new TsFormatException("AVC NALU body of " + (end - base) + " bytes has no composition time");
        }
        if (video == null) {
            throw new IllegalStateException("no video configuration: call setVideoConfig first");
        }
        int lengthSize = video.nalLengthSize();
        int compositionTime = flvVideoBody.getMedium(base + 2);

        // Pass 1: validate the NAL unit lengths and learn what the frame holds, before writing anything.
        int nals = 0;
        int esSize = 0;
        boolean startsWithAud = false;
        boolean hasSps = false;
        boolean hasPps = false;
        boolean hasIdr = false;
        for (int pos = base + FLV_VIDEO_HEADER; pos < end; ) {
            if (end - pos < lengthSize) {
                throw new TsFormatException("NAL unit length truncated at body offset " + (pos - base) + ": "
                        + (end - pos) + " of " + lengthSize + " bytes");
            }
            long length = nalLength(flvVideoBody, pos, lengthSize);
            pos += lengthSize;
            if (length > end - pos) {
                throw new TsFormatException("NAL unit of " + length + " bytes at body offset " + (pos - base)
                        + " overruns the " + (end - pos) + " remaining bytes");
            }
            if (length > 0) {
                int type = flvVideoBody.getByte(pos) & 0x1F;
                startsWithAud |= nals == 0 && type == NAL_AUD;
                hasSps |= type == NAL_SPS;
                hasPps |= type == NAL_PPS;
                hasIdr |= type == NAL_SLICE_IDR;
                nals++;
                esSize += START_CODE.length + (int) length;
            }
            pos += (int) length;
        }
        if (nals == 0) {
            return;
        }
        boolean keyframe = FlvVideo.isKeyframe(flvVideoBody) || hasIdr;
        byte[] parameterSets = keyframe && !(hasSps && hasPps) ? videoParameterSets : new byte[0];
        esSize += parameterSets.length + (startsWithAud ? 0 : AUD.length);

        long dts = Integer.toUnsignedLong(timestampMs) * 90 & TIMESTAMP_MASK;
        long pts = (Integer.toUnsignedLong(timestampMs) + compositionTime) * 90 & TIMESTAMP_MASK;
        ByteBuf pes = out.alloc().buffer(19 + esSize);
        try {
            writePesHeader(pes, STREAM_ID_VIDEO, 0, pts, dts);
            if (!startsWithAud) {
                pes.writeBytes(AUD).writeBytes(parameterSets);
            }
            int written = 0;
            for (int pos = base + FLV_VIDEO_HEADER; pos < end; ) {
                int length = (int) nalLength(flvVideoBody, pos, lengthSize);
                pos += lengthSize;
                if (length > 0) {
                    pes.writeBytes(START_CODE).writeBytes(flvVideoBody, pos, length);
                    if (written++ == 0 && startsWithAud) {
                        pes.writeBytes(parameterSets);
                    }
                }
                pos += length;
            }
            boolean pcr = pcrPid() == VIDEO_PID;
            writePackets(out, VIDEO_PID, pes, pcr ? dts : -1, keyframe);
        } finally {
            pes.release();
        }
    }

    private static long nalLength(ByteBuf body, int index, int lengthSize) {
        return switch (lengthSize) {
            case 1 -> body.getUnsignedByte(index);
            case 2 -> body.getUnsignedShort(index);
            default -> body.getUnsignedInt(index);
        };
    }

    /**
     * Writes one AAC frame as an ADTS frame in an audio PES. Sequence header bodies (AACPacketType 0) and
     * empty frames write nothing.
     *
     * @param out where the packets are appended; untouched when this throws
     * @param timestampMs the FLV tag timestamp (the PTS), unsigned 32-bit milliseconds
     * @param flvAudioBody the FLV audio tag body (2-byte header, then the raw AAC frame); not consumed, not released
     * @throws TsFormatException if the body is not AAC or the frame is too long for ADTS
     * @throws IllegalStateException if no audio configuration was set
     */
    public void writeAudio(ByteBuf out, int timestampMs, ByteBuf flvAudioBody) {
        int base = flvAudioBody.readerIndex();
        int length = flvAudioBody.readableBytes();
        if (length < FLV_AUDIO_HEADER) {
            throw new TsFormatException("audio body of " + length + " bytes is too short");
        }
        int format = FlvAudio.soundFormat(flvAudioBody);
        if (format != FlvAudio.FORMAT_AAC) {
            throw new TsFormatException("audio codec " + FlvAudio.codecName(format) + " is not supported, only AAC");
        }
        int packetType = flvAudioBody.getUnsignedByte(base + 1);
        if (packetType == FlvAudio.PACKET_SEQUENCE_HEADER) {
            return;
        }
        if (packetType != 1) {
            throw new TsFormatException("unknown AACPacketType " + packetType);
        }
        if (audio == null) {
            throw new IllegalStateException("no audio configuration: call setAudioConfig first");
        }
        int raw = length - FLV_AUDIO_HEADER;
        if (raw == 0) {
            return;
        }
        int frameLength = ADTS_HEADER + raw;
        if (frameLength > ADTS_MAX_FRAME) {
            throw new TsFormatException("AAC frame of " + raw + " bytes is too long for ADTS (at most "
                    + (ADTS_MAX_FRAME - ADTS_HEADER) + ")");
        }
        long pts = Integer.toUnsignedLong(timestampMs) * 90 & TIMESTAMP_MASK;
        ByteBuf pes = out.alloc().buffer(14 + frameLength);
        try {
            writePesHeader(pes, STREAM_ID_AUDIO, frameLength, pts, pts);
            int channels = audio.channelConfiguration();
            pes.writeByte(0xFF);
            pes.writeByte(0xF1); // syncword, ID 0 (MPEG-4), layer 0, protection_absent
            pes.writeByte(adtsProfile << 6 | audio.samplingFrequencyIndex() << 2 | channels >> 2);
            pes.writeByte((channels & 3) << 6 | frameLength >> 11);
            pes.writeByte(frameLength >> 3 & 0xFF);
            pes.writeByte((frameLength & 7) << 5 | 0x1F); // adts_buffer_fullness 0x7FF: variable rate
            pes.writeByte(0xFC); // number_of_raw_data_blocks_in_frame 0
            pes.writeBytes(flvAudioBody, base + FLV_AUDIO_HEADER, raw);
            boolean audioOnly = pcrPid() == AUDIO_PID;
            writePackets(out, AUDIO_PID, pes, audioOnly ? pts : -1, audioOnly);
        } finally {
            pes.release();
        }
    }

    /**
     * Writes a PES header (2.4.3.6) with PTS, and DTS when it differs.
     *
     * @param payloadLength bytes after the header, or 0 for an unbounded (video) PES
     */
    static void writePesHeader(ByteBuf pes, int streamId, int payloadLength, long pts, long dts) {
        boolean withDts = pts != dts;
        int headerDataLength = withDts ? 10 : 5;
        pes.writeMedium(0x000001);
        pes.writeByte(streamId);
        pes.writeShort(payloadLength == 0 ? 0 : 3 + headerDataLength + payloadLength);
        pes.writeByte(PES_FLAGS);
        pes.writeByte(withDts ? PTS_AND_DTS : PTS_ONLY);
        pes.writeByte(headerDataLength);
        writeTimestamp(pes, withDts ? 0x3 : 0x2, pts);
        if (withDts) {
            writeTimestamp(pes, 0x1, dts);
        }
    }

    /** Writes a 33-bit timestamp as 4-bit prefix, 3 + 15 + 15 bits, each group followed by a marker bit. */
    private static void writeTimestamp(ByteBuf pes, int prefix, long value) {
        pes.writeByte(prefix << 4 | (int) (value >> 29 & 0x0E) | 1);
        pes.writeShort((int) (value >> 14 & 0xFFFE) | 1);
        pes.writeShort((int) (value << 1 & 0xFFFE) | 1);
    }

    /**
     * Splits a PES into packets. The first carries payload_unit_start_indicator, and an adaptation field
     * with the PCR and random_access_indicator when asked; the last is filled to 188 bytes with
     * adaptation-field stuffing.
     *
     * @param pcr the PCR base (90 kHz), or -1 for none
     */
    private void writePackets(ByteBuf out, int pid, ByteBuf pes, long pcr, boolean randomAccess) {
        out.ensureWritable((pes.readableBytes() / (PAYLOAD_SIZE - 8) + 1) * PACKET_SIZE);
        boolean first = true;
        while (pes.isReadable()) {
            int flags = 0;
            if (first) {
                flags = (pcr >= 0 ? FLAG_PCR : 0) | (randomAccess ? FLAG_RANDOM_ACCESS : 0);
            }
            // Adaptation field bytes, counting its length byte: 0 when absent.
            int adaptation = flags == 0 ? 0 : 2 + ((flags & FLAG_PCR) != 0 ? PCR_SIZE : 0);
            int payload = Math.min(pes.readableBytes(), PAYLOAD_SIZE - adaptation);
            adaptation = PAYLOAD_SIZE - payload;
            out.writeByte(SYNC_BYTE);
            out.writeShort((first ? 0x4000 : 0) | pid);
            out.writeByte((adaptation > 0 ? 0x30 : 0x10) | nextCc(pid));
            if (adaptation > 0) {
                int afStart = out.writerIndex();
                out.writeByte(adaptation - 1); // adaptation_field_length
                if (adaptation > 1) {
                    out.writeByte(flags);
                    if ((flags & FLAG_PCR) != 0) {
                        writePcr(out, pcr, 0);
                    }
                    out.writeBytes(ff(afStart + adaptation - out.writerIndex()));
                }
            }
            out.writeBytes(pes, payload);
            first = false;
        }
    }

    /** Writes program_clock_reference_base (33 bits), 6 reserved bits, program_clock_reference_extension (9 bits). */
    static void writePcr(ByteBuf out, long base, int extension) {
        out.writeInt((int) (base >> 1));
        out.writeShort((int) (base & 1) << 15 | 0x7E00 | extension & 0x1FF);
    }

    private int nextCc(int pid) {
        int cc;
        switch (pid) {
            case PAT_PID -> {
                cc = ccPat;
                ccPat = cc + 1 & 0x0F;
            }
            case PMT_PID -> {
                cc = ccPmt;
                ccPmt = cc + 1 & 0x0F;
            }
            case VIDEO_PID -> {
                cc = ccVideo;
                ccVideo = cc + 1 & 0x0F;
            }
            default -> {
                cc = ccAudio;
                ccAudio = cc + 1 & 0x0F;
            }
        }
        return cc;
    }
}
