package org.fluvia.codec.ts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.List;
import org.fluvia.codec.ts.TsPackets.Packet;
import org.junit.jupiter.api.Test;

class TsMuxerPesTest {
    @Test
    void audioFrameIsOneByteExactPacketWithPtsOnlyAdtsAndStuffing() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> Bodies.audio(muxer, b, 1000, Bodies.aacFrame(4)));
        String expected = "47410130" // PUSI, PID 0x101, adaptation field + payload, CC 0
                + "9e00" + "ff".repeat(157) // adaptation_field_length 158: no flags, 157 stuffing bytes
                + "000001c0" + "0013" // stream_id 0xC0, PES_packet_length 3 + 5 + 11
                + "84" + "80" + "05" + "210005bf21" // data_alignment; PTS only; PTS 90000
                + "fff15080017ffc" // ADTS: MPEG-4, no CRC, LC, 44100 Hz, 2 channels, frame length 11, fullness 0x7FF
                + "00010203";
        assertEquals(expected, ByteBufUtil.hexDump(out));
    }

    @Test
    void videoFrameWithCompositionTimeCarriesPtsAndDtsWithMarkerBits() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> Bodies.video(muxer, b, 1000, Bodies.avcFrame(false, 80, "419a")));
        byte[] pes = TsPackets.pes(TsPackets.parse(out), TsMuxer.VIDEO_PID).get(0);
        assertEquals("000001e0" + "0000" + "84" + "c0" + "0a" + "310005f761" + "110005bf21",
                ByteBufUtil.hexDump(pes, 0, 19), "unbounded length; PTS 97200 ('0011'), DTS 90000 ('0001')");
        assertEquals(97200, TsPackets.timestamp(pes, 9, 0x3));
        assertEquals(90000, TsPackets.timestamp(pes, 14, 0x1));
    }

    @Test
    void videoFrameWithoutCompositionTimeCarriesPtsOnly() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> Bodies.video(muxer, b, 40, Bodies.avcFrame(false, 0, "419a")));
        byte[] pes = TsPackets.pes(TsPackets.parse(out), TsMuxer.VIDEO_PID).get(0);
        assertEquals("000001e0" + "0000" + "84" + "80" + "05", ByteBufUtil.hexDump(pes, 0, 9));
        assertEquals(3600, TsPackets.timestamp(pes, 9, 0x2));
        assertEquals("00000001" + "09f0" + "00000001" + "419a", ByteBufUtil.hexDump(pes, 14, pes.length - 14));
    }

    @Test
    void timestampsUseAll33BitsAndWrapAround() {
        TsMuxer muxer = Bodies.muxer(true, true);
        // 95443717 ms is 2^33 - 62 ticks: the largest 90 kHz value below the wrap; one millisecond later is 28.
        byte[] out = Bodies.mux(b -> {
            Bodies.audio(muxer, b, 95443717, Bodies.aacFrame(1));
            Bodies.audio(muxer, b, 95443718, Bodies.aacFrame(1));
            Bodies.audio(muxer, b, 0xFFFFFFFF, Bodies.aacFrame(1));
        });
        List<byte[]> pes = TsPackets.pes(TsPackets.parse(out), TsMuxer.AUDIO_PID);
        assertEquals("2fffffff85", ByteBufUtil.hexDump(pes.get(0), 9, 5));
        assertEquals((1L << 33) - 62, TsPackets.timestamp(pes.get(0), 9, 0x2));
        assertEquals("2100010039", ByteBufUtil.hexDump(pes.get(1), 9, 5));
        assertEquals(28, TsPackets.timestamp(pes.get(1), 9, 0x2));
        assertEquals(0xFFFFFFFFL * 90 & TsMuxer.TIMESTAMP_MASK, TsPackets.timestamp(pes.get(2), 9, 0x2),
                "the FLV timestamp is unsigned 32-bit");
    }

    @Test
    void keyframeCarriesPcrAndRandomAccessInItsFirstPacket() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> Bodies.video(muxer, b, 1000, Bodies.avcFrame(true, 0, "6588" + "00".repeat(300))));
        assertEquals("47410030" + "07" + "50" + "0000afc87e00", ByteBufUtil.hexDump(out, 0, 12),
                "adaptation field of 7 bytes: RAI + PCR flag, PCR base 90000, 6 reserved bits set, extension 0");
        Packet first = TsPackets.parse(out).get(0);
        assertTrue(first.hasPcr());
        assertTrue(first.randomAccess());
        assertEquals(90000, first.pcrBase());
    }

    @Test
    void pcrEncodesBaseReservedBitsAndExtension() {
        byte[] out = Bodies.mux(b -> TsMuxer.writePcr(b, (1L << 33) - 1, 0x1FF));
        assertEquals("ffffffffffff", ByteBufUtil.hexDump(out));
        out = Bodies.mux(b -> TsMuxer.writePcr(b, 1, 0));
        assertEquals("00000000fe00", ByteBufUtil.hexDump(out), "base bit 0 is the MSB of byte 4, then 6 reserved 1s");
        out = Bodies.mux(b -> TsMuxer.writePcr(b, 0x100000000L, 0x101));
        assertEquals("800000007f01", ByteBufUtil.hexDump(out), "base bit 32 is the MSB of byte 0; extension 9 bits");
    }

    @Test
    void interFramesCarryPcrWithoutRandomAccess() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> Bodies.video(muxer, b, 40, Bodies.avcFrame(false, 0, "419a")));
        Packet first = TsPackets.parse(out).get(0);
        assertTrue(first.hasPcr());
        assertFalse(first.randomAccess());
        assertEquals(3600, first.pcrBase());
    }

    @Test
    void audioCarriesNoPcrWhenThereIsVideoButCarriesItWhenAudioOnly() {
        TsMuxer withVideo = Bodies.muxer(true, true);
        Packet mixed = TsPackets.parse(Bodies.mux(b -> Bodies.audio(withVideo, b, 500, Bodies.aacFrame(10)))).get(0);
        assertFalse(mixed.hasPcr());
        assertFalse(mixed.randomAccess());

        TsMuxer audioOnly = Bodies.muxer(false, true);
        Packet alone = TsPackets.parse(Bodies.mux(b -> Bodies.audio(audioOnly, b, 500, Bodies.aacFrame(10)))).get(0);
        assertTrue(alone.hasPcr());
        assertTrue(alone.randomAccess());
        assertEquals(45000, alone.pcrBase());
    }

    @Test
    void pesThatFillsThePayloadExactlyHasNoAdaptationField() {
        // 14-byte PES header + 7-byte ADTS header + 163 bytes = 184.
        byte[] out = Bodies.mux(b -> Bodies.audio(Bodies.muxer(true, true), b, 0, Bodies.aacFrame(163)));
        assertEquals(188, out.length);
        assertEquals(0x10, out[3] & 0x30, "payload only");
        assertEquals("000001c0", ByteBufUtil.hexDump(out, 4, 4));
    }

    @Test
    void oneByteShortIsStuffedWithAnEmptyAdaptationField() {
        byte[] out = Bodies.mux(b -> Bodies.audio(Bodies.muxer(true, true), b, 0, Bodies.aacFrame(162)));
        assertEquals(188, out.length);
        assertEquals(0x30, out[3] & 0x30);
        assertEquals("00" + "000001c0", ByteBufUtil.hexDump(out, 4, 5), "adaptation_field_length 0");
    }

    @Test
    void twoBytesShortIsStuffedWithAFlagsByteOnly() {
        byte[] out = Bodies.mux(b -> Bodies.audio(Bodies.muxer(true, true), b, 0, Bodies.aacFrame(161)));
        assertEquals("0100" + "000001c0", ByteBufUtil.hexDump(out, 4, 6), "adaptation_field_length 1, no flags");
    }

    @Test
    void onlyTheLastPacketOfALongPesIsStuffed() {
        // 185 bytes of PES: a full packet, then one byte behind 183 bytes of adaptation field.
        byte[] out = Bodies.mux(b -> Bodies.audio(Bodies.muxer(true, true), b, 0, Bodies.aacFrame(164)));
        List<Packet> packets = TsPackets.parse(out);
        assertEquals(2, packets.size());
        assertNull(packets.get(0).adaptation());
        assertTrue(packets.get(0).unitStart());
        assertFalse(packets.get(1).unitStart());
        byte[] stuffing = new byte[182];
        Arrays.fill(stuffing, (byte) 0xFF);
        stuffing[0] = 0;
        assertArrayEquals(stuffing, packets.get(1).adaptation(), "flags 0 then 181 stuffing bytes");
        assertEquals(1, packets.get(1).payload().length);
        assertEquals(163, packets.get(1).payload()[0] & 0xFF, "the last raw byte");
    }

    @Test
    void continuityCountersIncrementPerPacketAndWrapAt16() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> {
            for (int i = 0; i < 20; i++) {
                Bodies.audio(muxer, b, i * 23, Bodies.aacFrame(20));
            }
            // A 600-byte frame spans 4 packets.
            Bodies.video(muxer, b, 0, Bodies.avcFrame(false, 0, "41" + "00".repeat(600)));
            Bodies.video(muxer, b, 40, Bodies.avcFrame(false, 0, "41" + "00".repeat(600)));
        });
        List<Packet> audio = TsPackets.ofPid(TsPackets.parse(out), TsMuxer.AUDIO_PID);
        assertEquals(20, audio.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(i % 16, audio.get(i).continuityCounter(), "audio packet " + i);
        }
        List<Packet> video = TsPackets.ofPid(TsPackets.parse(out), TsMuxer.VIDEO_PID);
        assertEquals(8, video.size());
        for (int i = 0; i < video.size(); i++) {
            assertEquals(i, video.get(i).continuityCounter(), "video packet " + i);
        }
    }

    @Test
    void countersCarryAcrossSegmentsUntilReset() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> {
            muxer.writeTables(b);
            Bodies.audio(muxer, b, 0, Bodies.aacFrame(20));
            muxer.writeTables(b);
            Bodies.audio(muxer, b, 23, Bodies.aacFrame(20));
            muxer.resetContinuityCounters();
            muxer.writeTables(b);
            Bodies.audio(muxer, b, 46, Bodies.aacFrame(20));
        });
        List<Packet> audio = TsPackets.ofPid(TsPackets.parse(out), TsMuxer.AUDIO_PID);
        assertEquals(List.of(0, 1, 0), audio.stream().map(Packet::continuityCounter).toList());
    }

    @Test
    void audioPesPacketLengthCoversTheWholeAdtsFrame() {
        byte[] out = Bodies.mux(b -> Bodies.audio(Bodies.muxer(true, true), b, 0, Bodies.aacFrame(1000)));
        byte[] pes = TsPackets.pes(TsPackets.parse(out), TsMuxer.AUDIO_PID).get(0);
        int length = (pes[4] & 0xFF) << 8 | pes[5] & 0xFF;
        assertEquals(pes.length - 6, length);
        int frameLength = (pes[17] & 0x03) << 11 | (pes[18] & 0xFF) << 3 | (pes[19] & 0xE0) >> 5;
        assertEquals(1007, frameLength, "ADTS frame_length counts its 7-byte header");
    }
}
