package org.fluvia.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class AacConfigurationTest {

    private static AacConfiguration parse(byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            return AacConfiguration.parse(buf);
        } finally {
            buf.release();
        }
    }

    private static AacConfiguration parse(String hex) {
        return parse(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    @Test
    void real44100HzStereoSequenceHeader() {
        AacConfiguration c = parse(Fixtures.audioSequenceHeader("a44.flv"));
        assertEquals(2, c.audioObjectType());
        assertEquals(4, c.samplingFrequencyIndex());
        assertEquals(44100, c.sampleRate());
        assertEquals(2, c.channelConfiguration());
        assertEquals(2, c.channelCount());
        assertEquals("mp4a.40.2", c.codecString());
    }

    @Test
    void real48000HzMonoSequenceHeader() {
        AacConfiguration c = parse(Fixtures.audioSequenceHeader("a48.flv"));
        assertEquals(48000, c.sampleRate());
        assertEquals(3, c.samplingFrequencyIndex());
        assertEquals(1, c.channelConfiguration());
    }

    @Test
    void handBuiltConfigsMatchTheSpecBitLayout() {
        assertEquals(44100, parse("af00 1210").sampleRate());
        AacConfiguration mono48 = parse("af00 1188");
        assertEquals(48000, mono48.sampleRate());
        assertEquals(1, mono48.channelCount());
    }

    @Test
    void explicitTwentyFourBitSampleRate() {
        byte[] asc = new Bits().u(5, 2).u(4, 15).u(24, 12345).u(4, 1).bytes();
        AacConfiguration c = parse("af00" + ByteBufUtil.hexDump(asc));
        assertEquals(15, c.samplingFrequencyIndex());
        assertEquals(12345, c.sampleRate());
        assertEquals(1, c.channelConfiguration());
    }

    @Test
    void escapedAudioObjectTypeAndSevenPointOne() {
        byte[] asc = new Bits().u(5, 31).u(6, 10).u(4, 3).u(4, 7).bytes();
        AacConfiguration c = parse("af00" + ByteBufUtil.hexDump(asc));
        assertEquals(42, c.audioObjectType());
        assertEquals(8, c.channelCount());
    }

    @Test
    void malformedConfigsAreRejected() {
        assertThrows(FlvFormatException.class, () -> parse("af00"), "no config");
        assertThrows(FlvFormatException.class, () -> parse("af00 12"), "cut before channels");
        assertThrows(FlvFormatException.class, () -> parse("af00 1690"), "reserved index 13");
        assertThrows(FlvFormatException.class, () -> parse("af00 0210"), "object type 0");
        assertThrows(FlvFormatException.class, () -> parse("af01 1210"), "raw frame, not a sequence header");
        assertThrows(FlvFormatException.class, () -> parse("2f00 1210"), "MP3, not AAC");
        assertThrows(FlvFormatException.class, () -> parse("af00 17c0"), "reserved channel configuration 8");
    }

    @Test
    void codecNamesForFlvIds() {
        assertEquals("AAC", AacConfiguration.codecName(10));
        assertEquals("MP3", AacConfiguration.codecName(2));
        assertEquals("Speex", AacConfiguration.codecName(11));
        assertEquals("Unknown(9)", AacConfiguration.codecName(9));
        assertEquals("H264", AacConfiguration.videoCodecName(7));
        assertEquals("HEVC", AacConfiguration.videoCodecName(12));
        assertEquals("VP6", AacConfiguration.videoCodecName(4));
        assertEquals("Unknown(0)", AacConfiguration.videoCodecName(0));
    }
}
