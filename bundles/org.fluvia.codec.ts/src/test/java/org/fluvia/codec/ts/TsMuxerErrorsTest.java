package org.fluvia.codec.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TsMuxerErrorsTest {

    /** Runs a write that must fail after one good frame, and checks the good output is all that is left. */
    private static <T extends Throwable> T failsLeavingOutputIntact(Class<T> type, Consumer<ByteBuf> write) {
        TsMuxer good = Bodies.muxer(true, true);
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            Bodies.audio(good, out, 0, Bodies.aacFrame(10));
            int before = out.writerIndex();
            T e = assertThrows(type, () -> write.accept(out));
            assertEquals(before, out.writerIndex(), "nothing written by the failed call");
            return e;
        } finally {
            out.release();
        }
    }

    @Test
    void truncatedNalLengthIsRejected() {
        TsMuxer muxer = Bodies.muxer(true, true);
        TsFormatException e = failsLeavingOutputIntact(TsFormatException.class,
                out -> Bodies.video(muxer, out, 0, Bodies.avcFrame(true, 0, "6588") + "0000"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void nalLengthBeyondTheBodyIsRejected() {
        TsMuxer muxer = Bodies.muxer(true, true);
        TsFormatException e = failsLeavingOutputIntact(TsFormatException.class,
                out -> Bodies.video(muxer, out, 0, "1701000000" + "00000010" + "6588"));
        assertTrue(e.getMessage().contains("overruns"), e.getMessage());
    }

    @Test
    void bodyWithoutCompositionTimeIsRejected() {
        TsMuxer muxer = Bodies.muxer(true, true);
        failsLeavingOutputIntact(TsFormatException.class, out -> Bodies.video(muxer, out, 0, "170100"));
    }

    @Test
    void nonAvcVideoIsRejected() {
        TsMuxer muxer = Bodies.muxer(true, true);
        TsFormatException e = failsLeavingOutputIntact(TsFormatException.class,
                out -> Bodies.video(muxer, out, 0, "1c01000000" + "00000002" + "2601"));
        assertTrue(e.getMessage().contains("HEVC"), e.getMessage());
    }

    @Test
    void nonAacAudioIsRejected() {
        TsMuxer muxer = Bodies.muxer(true, true);
        TsFormatException e = failsLeavingOutputIntact(TsFormatException.class,
                out -> Bodies.audio(muxer, out, 0, "2fffe3"));
        assertTrue(e.getMessage().contains("MP3"), e.getMessage());
    }

    @Test
    void aacFrameTooLongForAdtsIsRejected() {
        TsMuxer muxer = Bodies.muxer(true, true);
        failsLeavingOutputIntact(TsFormatException.class, out -> Bodies.audio(muxer, out, 0, Bodies.aacFrame(8185)));
    }

    @Test
    void framesWithoutTheirConfigurationAreRejected() {
        TsMuxer muxer = new TsMuxer();
        failsLeavingOutputIntact(IllegalStateException.class, out -> Bodies.audio(muxer, out, 0, Bodies.aacFrame(4)));
        failsLeavingOutputIntact(IllegalStateException.class,
                out -> Bodies.video(muxer, out, 0, Bodies.avcFrame(true, 0, "6588")));
    }

    @Test
    void malformedSequenceHeadersAreRejected() {
        TsMuxer muxer = new TsMuxer();
        ByteBuf video = Bodies.hex(Bodies.AVC_SEQUENCE_HEADER.substring(0, 30));
        ByteBuf audio = Bodies.hex("af00");
        ByteBuf explicitRate = Bodies.hex("af00" + "1780562210"); // LC, index 15, explicit 44100 Hz, stereo
        try {
            assertThrows(TsFormatException.class, () -> muxer.setVideoConfig(video));
            assertThrows(TsFormatException.class, () -> muxer.setAudioConfig(audio));
            TsFormatException e = assertThrows(TsFormatException.class, () -> muxer.setAudioConfig(explicitRate));
            assertTrue(e.getMessage().contains("ADTS"), e.getMessage());
        } finally {
            video.release();
            audio.release();
            explicitRate.release();
        }
        assertEquals(2 * TsMuxer.PACKET_SIZE, Bodies.mux(muxer::writeTables).length, "configuration stays unset");
    }
}
