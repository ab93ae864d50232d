package org.fluvia.codec.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helper: splits muxer output into transport packets and reassembles PES packets per PID. */
final class TsPackets {
    /** One transport packet; {@code adaptation} holds the adaptation field after its length byte, or null. */
    record Packet(int pid, boolean unitStart, int continuityCounter, byte[] adaptation, byte[] payload) {
        boolean hasPcr() {
            return adaptation != null && adaptation.length > 0 && (adaptation[0] & 0x10) != 0;
        }

        boolean randomAccess() {
            return adaptation != null && adaptation.length > 0 && (adaptation[0] & 0x40) != 0;
        }

        long pcrBase() {
            long b = 0;
            for (int i = 1; i <= 4; i++) {
                b = b << 8 | adaptation[i] & 0xFF;
            }
            return b << 1 | (adaptation[5] & 0xFF) >> 7;
        }
    }

    private TsPackets() {
    }

    static byte[] bytes(ByteBuf out) {
        return ByteBufUtil.getBytes(out);
    }

    /** Parses every packet, asserting the sync bytes, the size and the adaptation field lengths. */
    static List<Packet> parse(byte[] ts) {
        assertEquals(0, ts.length % TsMuxer.PACKET_SIZE, "output is a whole number of packets");
        List<Packet> packets = new ArrayList<>();
        for (int p = 0; p < ts.length; p += TsMuxer.PACKET_SIZE) {
            assertEquals(0x47, ts[p] & 0xFF, "sync byte of packet at " + p);
            int pid = (ts[p + 1] & 0x1F) << 8 | ts[p + 2] & 0xFF;
            boolean unitStart = (ts[p + 1] & 0x40) != 0;
            int control = (ts[p + 3] & 0x30) >> 4;
            int cc = ts[p + 3] & 0x0F;
            int at = p + 4;
            byte[] adaptation = null;
            if ((control & 2) != 0) {
                int length = ts[at] & 0xFF;
                adaptation = Arrays.copyOfRange(ts, at + 1, at + 1 + length);
                at += 1 + length;
            }
            byte[] payload = (control & 1) != 0 ? Arrays.copyOfRange(ts, at, p + TsMuxer.PACKET_SIZE) : new byte[0];
            packets.add(new Packet(pid, unitStart, cc, adaptation, payload));
        }
        return packets;
    }

    static List<Packet> ofPid(List<Packet> packets, int pid) {
        return packets.stream().filter(p -> p.pid() == pid).toList();
    }

    /** Reassembles the PES packets of one PID, each starting at a packet with payload_unit_start_indicator. */
    static List<byte[]> pes(List<Packet> packets, int pid) {
        List<byte[]> result = new ArrayList<>();
        ByteArrayOutputStream current = null;
        for (Packet p : ofPid(packets, pid)) {
            if (p.unitStart()) {
                if (current != null) {
                    result.add(current.toByteArray());
                }
                current = new ByteArrayOutputStream();
            }
            if (current != null) {
                current.writeBytes(p.payload());
            }
        }
        if (current != null) {
            result.add(current.toByteArray());
        }
        return result;
    }

    /** Decodes a 5-byte PES timestamp field, asserting its prefix and its three marker bits. */
    static long timestamp(byte[] b, int at, int prefix) {
        assertEquals(prefix, (b[at] & 0xF0) >> 4, "timestamp prefix");
        assertEquals(1, b[at] & 1, "first marker bit");
        assertEquals(1, b[at + 2] & 1, "second marker bit");
        assertEquals(1, b[at + 4] & 1, "third marker bit");
        return ((long) (b[at] & 0x0E)) << 29 | (long) (b[at + 1] & 0xFF) << 22 | (long) (b[at + 2] & 0xFE) << 14
                | (long) (b[at + 3] & 0xFF) << 7 | (b[at + 4] & 0xFF) >> 1;
    }
}
