package org.fluvia.codec.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TsMuxerTablesTest {
    /** The PAT: program 1 on PID 0x1001, transport_stream_id 1; CRC computed independently (Python, bitwise). */
    private static final String PAT_SECTION = "00b00d0001c100000001f0012e701905";

    private static String packet(String header, String section) {
        StringBuilder sb = new StringBuilder(header).append("00").append(section);
        while (sb.length() < 2 * TsMuxer.PACKET_SIZE) {
            sb.append("ff");
        }
        return sb.toString();
    }

    private static String[] tables(TsMuxer muxer) {
        byte[] out = Bodies.mux(muxer::writeTables);
        assertEquals(2 * TsMuxer.PACKET_SIZE, out.length, "PAT and PMT, one packet each");
        return new String[] {
            ByteBufUtil.hexDump(Arrays.copyOfRange(out, 0, 188)), ByteBufUtil.hexDump(Arrays.copyOfRange(out, 188, 376))};
    }

    @Test
    void patAndPmtWithVideoAndAudioAreByteExact() {
        String[] t = tables(Bodies.muxer(true, true));
        assertEquals(packet("47400010", PAT_SECTION), t[0]);
        // PCR on the video PID; H.264 (0x1B) on 0x100, AAC ADTS (0x0F) on 0x101.
        assertEquals(packet("47500110", "02b0170001c10000e100f0001be100f0000fe101f0002f44b99b"), t[1]);
    }

    @Test
    void pmtOfAVideoOnlyStreamListsOnlyVideo() {
        String[] t = tables(Bodies.muxer(true, false));
        assertEquals(packet("47400010", PAT_SECTION), t[0]);
        assertEquals(packet("47500110", "02b0120001c10000e100f0001be100f00015bd4d56"), t[1]);
    }

    @Test
    void pmtOfAnAudioOnlyStreamListsOnlyAudioAndCarriesPcrOnTheAudioPid() {
        String[] t = tables(Bodies.muxer(false, true));
        assertEquals(packet("47500110", "02b0120001c10000e101f0000fe101f000ece2b094"), t[1]);
    }

    @Test
    void pmtWithoutAnyConfigurationHasNoStreamsAndNoPcrPid() {
        String[] t = tables(new TsMuxer());
        assertEquals(packet("47500110", "02b00d0001c10000fffff0001cc8d73f"), t[1]);
    }

    @Test
    void tableSectionsEndInACrcThatChecksToZero() {
        byte[] out = Bodies.mux(Bodies.muxer(true, true)::writeTables);
        ByteBuf buf = Unpooled.wrappedBuffer(out);
        try {
            assertEquals(0, Crc32Mpeg2.compute(buf, 5, 3 + 13), "PAT section + CRC");
            assertEquals(0, Crc32Mpeg2.compute(buf, 188 + 5, 3 + 0x17), "PMT section + CRC");
        } finally {
            buf.release();
        }
    }

    @Test
    void tableContinuityCountersAdvancePerCallAndResetOnRequest() {
        TsMuxer muxer = Bodies.muxer(true, true);
        byte[] out = Bodies.mux(b -> {
            for (int i = 0; i < 17; i++) {
                muxer.writeTables(b);
            }
            muxer.resetContinuityCounters();
            muxer.writeTables(b);
        });
        List<TsPackets.Packet> packets = TsPackets.parse(out);
        for (int i = 0; i < 18; i++) {
            int expected = i == 17 ? 0 : i & 0x0F;
            assertEquals(TsMuxer.PAT_PID, packets.get(2 * i).pid());
            assertEquals(expected, packets.get(2 * i).continuityCounter(), "PAT " + i);
            assertEquals(TsMuxer.PMT_PID, packets.get(2 * i + 1).pid());
            assertEquals(expected, packets.get(2 * i + 1).continuityCounter(), "PMT " + i);
        }
    }
}
