package org.fluvia.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class FlvMediaHeaderTest {

    private static ByteBuf buf(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    @Test
    void videoHeaderFieldsAreReadWithoutConsuming() {
        ByteBuf key = buf("1701fffff6");
        ByteBuf inter = buf("2701000028");
        try {
            assertEquals(FlvVideo.CODEC_AVC, FlvVideo.codecId(key));
            assertTrue(FlvVideo.isKeyframe(key));
            assertFalse(FlvVideo.isKeyframe(inter));
            assertFalse(FlvVideo.isSequenceHeader(key));
            assertEquals(-10, FlvVideo.compositionTime(key), "signed 24-bit");
            assertEquals(40, FlvVideo.compositionTime(inter));
            assertEquals(0, key.readerIndex());
        } finally {
            key.release();
            inter.release();
        }
    }

    @Test
    void sequenceHeadersAreRecognised() {
        ByteBuf avc = buf("1700000000");
        ByteBuf hevc = buf("1c00000000");
        ByteBuf aac = buf("af00");
        ByteBuf aacRaw = buf("af01");
        ByteBuf mp3 = buf("2f00");
        try {
            assertTrue(FlvVideo.isSequenceHeader(avc));
            assertTrue(FlvVideo.isSequenceHeader(hevc));
            assertTrue(FlvAudio.isSequenceHeader(aac));
            assertFalse(FlvAudio.isSequenceHeader(aacRaw));
            assertFalse(FlvAudio.isSequenceHeader(mp3));
            assertEquals(FlvAudio.FORMAT_AAC, FlvAudio.soundFormat(aac));
            assertEquals(FlvAudio.FORMAT_MP3, FlvAudio.soundFormat(mp3));
        } finally {
            avc.release();
            hevc.release();
            aac.release();
            aacRaw.release();
            mp3.release();
        }
    }

    @Test
    void shortBodiesFailWithFormatException() {
        ByteBuf empty = Unpooled.EMPTY_BUFFER;
        ByteBuf shortAvc = buf("170100");
        try {
            assertThrows(FlvFormatException.class, () -> FlvVideo.codecId(empty));
            assertThrows(FlvFormatException.class, () -> FlvAudio.soundFormat(empty));
            assertThrows(FlvFormatException.class, () -> FlvVideo.compositionTime(shortAvc));
            assertFalse(FlvVideo.isSequenceHeader(empty));
        } finally {
            shortAvc.release();
        }
    }
}
