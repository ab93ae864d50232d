package org.fluvia.codec.flv;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** An H.264 AVCDecoderConfigurationRecord from an FLV video sequence header, with the picture size from its first SPS. */
public final class AvcConfiguration {
    private static final int FLV_VIDEO_HEADER = 5;
    private static final int NAL_TYPE_SPS = 7;
    private static final int NAL_TYPE_PPS = 8;
    /** Profiles whose SPS carries chroma format, bit depths and scaling matrices (ISO 14496-10 7.3.2.1.1). */
    private static final Set<Integer> HIGH_PROFILES = Set.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135);
    /** Level 6.2 allows 139264 macroblocks per frame; a 2^16 square bounds width and height generously. */
    private static final int MAX_MBS_PER_SIDE = 4096;

    private final int profile;
    private final int compatibility;
    private final int level;
    private final int nalLengthSize;
    private final List<byte[]> sps;
    private final List<byte[]> pps;
    private final int width;
    private final int height;

    private AvcConfiguration(int profile, int compatibility, int level, int nalLengthSize, List<byte[]> sps,
            List<byte[]> pps, int width, int height) {
        this.profile = profile;
        this.compatibility = compatibility;
        this.level = level;
        this.nalLengthSize = nalLengthSize;
        this.sps = sps;
        this.pps = pps;
        this.width = width;
        this.height = height;
    }

    /**
     * Parses an AVC sequence header tag body: 5-byte FLV video header, then the configuration record.
     *
     * @param flvVideoBody video tag body; its indices are untouched and it is not released
     * @return the configuration
     * @throws FlvFormatException if the body is not an AVC sequence header or the record or its first SPS
     *     is malformed
     */
    public static AvcConfiguration parse(ByteBuf flvVideoBody) {
        ByteBuf in = flvVideoBody.duplicate();
        if (in.readableBytes() < FLV_VIDEO_HEADER + 7) {
            throw new FlvFormatException("AVC sequence header of " + in.readableBytes() + " bytes is too short");
        }
        if (FlvVideo.codecId(in) != FlvVideo.CODEC_AVC || in.getByte(in.readerIndex() + 1) != FlvVideo.PACKET_SEQUENCE_HEADER) {
            throw new FlvFormatException("not an AVC sequence header: codec " + FlvVideo.codecId(in) + ", packet type "
                    + in.getByte(in.readerIndex() + 1));
        }
        in.skipBytes(FLV_VIDEO_HEADER);
        int version = in.readUnsignedByte();
        if (version != 1) {
            throw new FlvFormatException("AVCDecoderConfigurationRecord version " + version + ", expected 1");
        }
        int profile = in.readUnsignedByte();
        int compatibility = in.readUnsignedByte();
        int level = in.readUnsignedByte();
        int nalLengthSize = (in.readUnsignedByte() & 0x03) + 1;
        if (nalLengthSize == 3) {
            throw new FlvFormatException("AVC NAL length size 3 is not allowed (1, 2 or 4)");
        }
        List<byte[]> sps = parameterSets(in, in.readUnsignedByte() & 0x1F, NAL_TYPE_SPS, "SPS");
        if (sps.isEmpty()) {
            throw new FlvFormatException("AVC sequence header carries no SPS");
        }
        if (!in.isReadable()) {
            throw new FlvFormatException("AVC sequence header ends before the PPS count");
        }
        List<byte[]> pps = parameterSets(in, in.readUnsignedByte(), NAL_TYPE_PPS, "PPS");
        int[] size = pictureSize(sps.get(0));
        return new AvcConfiguration(profile, compatibility, level, nalLengthSize, List.copyOf(sps), List.copyOf(pps),
                size[0], size[1]);
    }

    private static List<byte[]> parameterSets(ByteBuf in, int count, int nalType, String what) {
        List<byte[]> sets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (in.readableBytes() < 2) {
                throw new FlvFormatException("AVC sequence header ends inside " + what + " " + i + " length");
            }
            int length = in.readUnsignedShort();
            if (length < 1 || length > in.readableBytes()) {
                throw new FlvFormatException(what + " " + i + " length " + length + " does not fit the "
                        + in.readableBytes() + " remaining bytes");
            }
            int type = in.getByte(in.readerIndex()) & 0x1F;
            if (type != nalType) {
                throw new FlvFormatException(what + " " + i + " has NAL unit type " + type + ", expected " + nalType);
            }
            byte[] set = new byte[length];
            in.readBytes(set);
            sets.add(set);
        }
        return sets;
    }

    /** Removes emulation-prevention bytes (the 03 in 00 00 03), giving the raw RBSP. */
    static byte[] unescape(byte[] nal, int from) {
        ByteArrayOutputStream rbsp = new ByteArrayOutputStream(nal.length);
        int zeros = 0;
        for (int i = from; i < nal.length; i++) {
            int b = nal[i] & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            rbsp.write(b);
        }
        return rbsp.toByteArray();
    }

    /** Decodes a sequence parameter set NAL unit far enough to get the cropped picture size. */
    static int[] pictureSize(byte[] spsNal) {
        BitReader r = new BitReader(unescape(spsNal, 1), "SPS");
        int profileIdc = r.u(8);
        r.u(8); // constraint_set flags and reserved_zero_2bits
        r.u(8); // level_idc
        r.ue("seq_parameter_set_id", 31);
        int chromaFormatIdc = 1;
        boolean separateColourPlane = false;
        if (HIGH_PROFILES.contains(profileIdc)) {
            chromaFormatIdc = r.ue("chroma_format_idc", 3);
            if (chromaFormatIdc == 3) {
                separateColourPlane = r.flag();
            }
            r.ue("bit_depth_luma_minus8", 6);
            r.ue("bit_depth_chroma_minus8", 6);
            r.flag(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue("log2_max_frame_num_minus4", 12);
        int picOrderCntType = r.ue("pic_order_cnt_type", 2);
        if (picOrderCntType == 0) {
            r.ue("log2_max_pic_order_cnt_lsb_minus4", 12);
        } else if (picOrderCntType == 1) {
            r.flag(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue("num_ref_frames_in_pic_order_cnt_cycle", 255);
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue("max_num_ref_frames", 16);
        r.flag(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue("pic_width_in_mbs_minus1", MAX_MBS_PER_SIDE - 1) + 1;
        int heightMapUnits = r.ue("pic_height_in_map_units_minus1", MAX_MBS_PER_SIDE - 1) + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.flag(); // mb_adaptive_frame_field_flag
        }
        r.flag(); // direct_8x8_inference_flag
        int width = widthMbs * 16;
        int height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
        if (r.flag()) { // frame_cropping_flag
            int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int cropUnitX;
            int cropUnitY;
            if (chromaArrayType == 0) {
                cropUnitX = 1;
                cropUnitY = frameMbsOnly ? 1 : 2;
            } else {
                int subWidthC = chromaArrayType == 3 ? 1 : 2;
                int subHeightC = chromaArrayType == 1 ? 2 : 1;
                cropUnitX = subWidthC;
                cropUnitY = subHeightC * (frameMbsOnly ? 1 : 2);
            }
            long cropX = (long) cropUnitX * (r.ue("frame_crop_left_offset", width) + r.ue("frame_crop_right_offset", width));
            long cropY = (long) cropUnitY * (r.ue("frame_crop_top_offset", height) + r.ue("frame_crop_bottom_offset", height));
            if (cropX >= width || cropY >= height) {
                throw new FlvFormatException("SPS cropping (" + cropX + "x" + cropY + ") removes the whole " + width + "x"
                        + height + " picture");
            }
            width -= (int) cropX;
            height -= (int) cropY;
        }
        return new int[] {width, height};
    }

    private static void skipScalingList(BitReader r, int size) {
        int lastScale = 8;
        int nextScale = 8;
        for (int j = 0; j < size; j++) {
            if (nextScale != 0) {
                long delta = r.se();
                if (delta < -128 || delta > 127) {
                    throw new FlvFormatException("SPS: delta_scale " + delta + " outside -128..127");
                }
                nextScale = (int) ((lastScale + delta + 256) % 256);
            }
            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }

    /** @return AVCProfileIndication (66 Baseline, 77 Main, 100 High, ...) */
    public int profile() {
        return profile;
    }

    /** @return profile_compatibility (the constraint_set flags) */
    public int compatibility() {
        return compatibility;
    }

    /** @return AVCLevelIndication, ten times the level (31 for 3.1) */
    public int level() {
        return level;
    }

    /** @return bytes in each NAL unit length prefix: 1, 2 or 4 */
    public int nalLengthSize() {
        return nalLengthSize;
    }

    /** @return the sequence parameter set NAL units, escaped as on the wire; do not modify the arrays */
    public List<byte[]> sps() {
        return sps;
    }

    /** @return the picture parameter set NAL units, escaped as on the wire; do not modify the arrays */
    public List<byte[]> pps() {
        return pps;
    }

    /** @return the cropped picture width in pixels, from the first SPS */
    public int width() {
        return width;
    }

    /** @return the cropped picture height in pixels, from the first SPS */
    public int height() {
        return height;
    }

    /** @return the RFC 6381 codec string, e.g. "avc1.64001f", as HLS playlists want it */
    public String codecString() {
        return String.format("avc1.%02x%02x%02x", profile, compatibility, level);
    }

    @Override
    public String toString() {
        return "AvcConfiguration[" + codecString() + " " + width + "x" + height + ", nalLengthSize=" + nalLengthSize
                + ", sps=" + sps.size() + ", pps=" + pps.size() + "]";
    }
}
