package org.fluvia.codec.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import org.junit.jupiter.api.Test;

class TsMuxerVideoTest {
    private static final String AUD = "0000000109f0";
    private static final String SPS_PPS = "00000001" + Bodies.SPS + "00000001" + Bodies.PPS;
    private static final String IDR = "65888400aa";
    private static final String SEI = "0605ff00";

    /** @return the elementary stream of the single video PES the writes produce, after its 19- or 14-byte header */
    private static String es(TsMuxer muxer, int timestampMs, String body) {
        byte[] out = Bodies.mux(b -> Bodies.video(muxer, b, timestampMs, body));
        List<byte[]> pes = TsPackets.pes(TsPackets.parse(out), TsMuxer.VIDEO_PID);
        assertEquals(1, pes.size());
        int header = 9 + (pes.get(0)[8] & 0xFF);
        return ByteBufUtil.hexDump(pes.get(0), header, pes.get(0).length - header);
    }

    @Test
    void keyframeGetsAudThenParameterSetsThenItsNalUnitsInAnnexB() {
        assertEquals(AUD + SPS_PPS + "00000001" + SEI + "00000001" + IDR,
                es(Bodies.muxer(true, true), 0, Bodies.avcFrame(true, 0, SEI, IDR)));
    }

    @Test
    void interFrameGetsNoParameterSets() {
        assertEquals(AUD + "00000001419a", es(Bodies.muxer(true, false), 40, Bodies.avcFrame(false, 0, "419a")));
    }

    @Test
    void frameThatStartsWithAnAudKeepsItAndGetsNoSecondOne() {
        assertEquals("0000000109f0" + SPS_PPS + "00000001" + IDR,
                es(Bodies.muxer(true, false), 0, Bodies.avcFrame(true, 0, "09f0", IDR)));
    }

    @Test
    void keyframeThatCarriesItsOwnParameterSetsIsNotGivenTheConfiguredOnes() {
        String sps = "6742c00ad9";
        String pps = "68ce3880";
        assertEquals(AUD + "00000001" + sps + "00000001" + pps + "00000001" + IDR,
                es(Bodies.muxer(true, false), 0, Bodies.avcFrame(true, 0, sps, pps, IDR)));
    }

    @Test
    void idrSliceInAFrameNotFlaggedAsKeyStillGetsParameterSets() {
        assertEquals(AUD + SPS_PPS + "00000001" + IDR, es(Bodies.muxer(true, false), 0, Bodies.avcFrame(false, 0, IDR)));
    }

    @Test
    void zeroLengthNalUnitsAreDropped() {
        String body = Bodies.avcFrame(false, 0, "419a") + "00000000";
        assertEquals(AUD + "00000001419a", es(Bodies.muxer(true, false), 0, body));
    }

    @Test
    void twoByteNalLengthsAreHonoured() {
        TsMuxer muxer = new TsMuxer();
        // The same configuration record with lengthSizeMinusOne 1.
        String header = Bodies.AVC_SEQUENCE_HEADER.replaceFirst("0142c00aff", "0142c00afd");
        ByteBuf config = Bodies.hex(header);
        try {
            muxer.setVideoConfig(config);
        } finally {
            config.release();
        }
        assertEquals(AUD + "00000001419a" + "0000000101ab", es(muxer, 0, "2701000000" + "0002419a" + "000201ab"));
    }

    @Test
    void sequenceHeaderAndEndOfSequenceBodiesWriteNothing() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> {
            Bodies.video(muxer, b, 0, Bodies.AVC_SEQUENCE_HEADER);
            Bodies.video(muxer, b, 0, "1702000000");
            Bodies.video(muxer, b, 0, "2701000000");
            Bodies.audio(muxer, b, 0, Bodies.AAC_SEQUENCE_HEADER);
            Bodies.audio(muxer, b, 0, "af01");
        });
        assertEquals(0, out.length);
    }
}
