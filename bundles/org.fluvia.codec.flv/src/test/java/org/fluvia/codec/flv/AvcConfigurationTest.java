package org.fluvia.codec.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class AvcConfigurationTest {

    private static AvcConfiguration parse(byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            AvcConfiguration config = AvcConfiguration.parse(buf);
            assertEquals(0, buf.readerIndex(), "parse does not consume");
            return config;
        } finally {
            buf.release();
        }
    }

    /** An FLV AVC sequence header around one SPS and one PPS. */
    private static byte[] sequenceHeader(byte[] sps, byte[] pps) {
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeBytes(ByteBufUtil.decodeHexDump("1700000000"));
            b.writeByte(1).writeByte(sps[1]).writeByte(sps[2]).writeByte(sps[3]).writeByte(0xFF).writeByte(0xE1);
            b.writeShort(sps.length).writeBytes(sps);
            b.writeByte(1).writeShort(pps.length).writeBytes(pps);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static final byte[] PPS = ByteBufUtil.decodeHexDump("68ebe3cb22c0");

    @Test
    void real1280x720HighProfileSequenceHeader() {
        AvcConfiguration c = parse(Fixtures.videoSequenceHeader("v720.flv"));
        assertEquals(100, c.profile());
        assertEquals(4, c.nalLengthSize());
        assertEquals(1, c.sps().size());
        assertEquals(1, c.pps().size());
        assertEquals(0x67, c.sps().get(0)[0]);
        assertEquals(0x68, c.pps().get(0)[0]);
        assertEquals(1280, c.width());
        assertEquals(720, c.height());
        assertTrue(c.codecString().startsWith("avc1.64"), c.codecString());
    }

    @Test
    void real640x360SpsIsCroppedFrom368Lines() {
        AvcConfiguration c = parse(Fixtures.videoSequenceHeader("v360.flv"));
        assertEquals(100, c.profile());
        assertEquals(640, c.width());
        assertEquals(360, c.height());
    }

    @Test
    void real444PredictiveProfileUsesChromaFormat3CropUnits() {
        AvcConfiguration c = parse(Fixtures.videoSequenceHeader("v360_444.flv"));
        assertEquals(244, c.profile());
        assertEquals(640, c.width());
        assertEquals(360, c.height());
    }

    @Test
    void spsWithScalingMatricesIsSkippedCorrectly() {
        AvcConfiguration c = parse(Fixtures.videoSequenceHeader("v720_cqm.flv"));
        assertEquals(1280, c.width());
        assertEquals(720, c.height());
    }

    @Test
    void explicitScalingListsAndInterlacedCropping() {
        // High profile, 4:2:0, one explicit 4x4 list with a non-flat delta, interlaced 1920x1080.
        Bits b = new Bits().u(8, 0x67).u(8, 100).u(8, 0).u(8, 40).ue(0)
                .ue(1).ue(0).ue(0).u(1, 0) // chroma_format_idc 1, bit depths 8, no bypass
                .u(1, 1) // seq_scaling_matrix_present_flag
                .u(1, 1); // list 0 present
        for (int j = 0; j < 16; j++) {
            b.se(j == 0 ? 8 : 0); // first scale 16, then constant
        }
        for (int i = 1; i < 8; i++) {
            b.u(1, 0);
        }
        b.ue(0).ue(2) // log2_max_frame_num_minus4, pic_order_cnt_type 2
                .ue(4).u(1, 0) // max_num_ref_frames, gaps
                .ue(119).ue(33) // 120 MBs wide, 34 map units high (field pairs: 68 MB rows = 1088 lines)
                .u(1, 0).u(1, 1) // frame_mbs_only 0, mb_adaptive_frame_field 1
                .u(1, 1) // direct_8x8_inference
                .u(1, 1).ue(0).ue(0).ue(0).ue(2); // crop bottom 2 * CropUnitY 4 = 8 lines
        AvcConfiguration c = parse(sequenceHeader(Bits.escape(b.rbsp()), PPS));
        assertEquals(1920, c.width());
        assertEquals(1080, c.height());
    }

    @Test
    void emulationPreventionBytesAreRemovedBeforeParsing() {
        // Baseline with pic_order_cnt_type 1 and a huge offset: its long zero run forces 00 00 03 escapes
        // in front of the size fields.
        byte[] rbsp = new Bits().u(8, 0x67).u(8, 66).u(8, 0).u(8, 30).ue(0)
                .ue(0).ue(1).u(1, 0).se(-(1 << 23)).se(0).ue(1).se(-(1 << 23))
                .ue(1).u(1, 0).ue(19).ue(14).u(1, 1).u(1, 1).u(1, 0).rbsp();
        byte[] nal = Bits.escape(rbsp);
        assertTrue(nal.length > rbsp.length, "the fixture really contains escapes");
        assertArrayEquals(java.util.Arrays.copyOfRange(rbsp, 1, rbsp.length), AvcConfiguration.unescape(nal, 1));
        AvcConfiguration c = parse(sequenceHeader(nal, PPS));
        assertEquals(320, c.width());
        assertEquals(240, c.height());
        assertEquals(66, c.profile());
    }

    @Test
    void everyTruncationOfARealSequenceHeaderIsAFormatException() {
        byte[] full = Fixtures.videoSequenceHeader("v360.flv");
        // Bytes after the last PPS (the optional High-profile chroma extension) are not read.
        int spsLength = (full[11] & 0xFF) << 8 | full[12] & 0xFF;
        int ppsEnd = 13 + spsLength + 3 + ((full[14 + spsLength] & 0xFF) << 8 | full[15 + spsLength] & 0xFF);
        assertTrue(ppsEnd <= full.length);
        for (int length = 0; length < ppsEnd; length++) {
            byte[] cut = java.util.Arrays.copyOf(full, length);
            assertThrows(FlvFormatException.class, () -> parse(cut), "cut at " + length);
        }
    }

    @Test
    void nonAvcOrNonSequenceHeaderBodiesAreRejected() {
        byte[] full = Fixtures.videoSequenceHeader("v360.flv");
        byte[] nalu = full.clone();
        nalu[1] = 1;
        byte[] hevc = full.clone();
        hevc[0] = 0x1C;
        byte[] badVersion = full.clone();
        badVersion[5] = 2;
        assertThrows(FlvFormatException.class, () -> parse(nalu));
        assertThrows(FlvFormatException.class, () -> parse(hevc));
        assertThrows(FlvFormatException.class, () -> parse(badVersion));
    }

    @Test
    void absurdSizesAndCroppingAreRejected() {
        byte[] tooWide = new Bits().u(8, 0x67).u(8, 66).u(8, 0).u(8, 30).ue(0).ue(0).ue(0).ue(0).ue(1).u(1, 0)
                .ue(100_000).ue(14).u(1, 1).u(1, 1).u(1, 0).rbsp();
        byte[] overCropped = new Bits().u(8, 0x67).u(8, 66).u(8, 0).u(8, 30).ue(0).ue(0).ue(0).ue(0).ue(1).u(1, 0)
                .ue(0).ue(0).u(1, 1).u(1, 1).u(1, 1).ue(4).ue(4).ue(0).ue(0).rbsp();
        assertThrows(FlvFormatException.class, () -> parse(sequenceHeader(Bits.escape(tooWide), PPS)));
        FlvFormatException e = assertThrows(FlvFormatException.class,
                () -> parse(sequenceHeader(Bits.escape(overCropped), PPS)));
        assertTrue(e.getMessage().contains("cropping"), e.getMessage());
    }
}
