package org.fluvia.itest;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A light RTMP player on a plain socket, one thread each, so that a test can run dozens in
 * process: simple handshake, connect, createStream, play, then reads the chunk stream, answers
 * the acknowledgement window and counts what arrives. Not a general client: just enough to be a
 * real reader of a stream.
 */
final class RtmpTestPlayer implements AutoCloseable {

    private final String host;
    private final int port;
    private final String app;
    private final String stream;
    private final Thread thread;
    private volatile Socket socket;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile long videoFrames;
    private volatile long audioFrames;
    private volatile long bytes;
    /** The first video frame after the sequence header was a keyframe (null until there is one). */
    private volatile Boolean firstFrameKey;

    RtmpTestPlayer(String host, int port, String app, String stream) {
        this.host = host;
        this.port = port;
        this.app = app;
        this.stream = stream;
        this.thread = new Thread(this::run, "rtmp-test-player-" + host + ":" + port);
        this.thread.setDaemon(true);
    }

    /** Starts playing rtmp://host:port/app/stream in a thread of its own. */
    static RtmpTestPlayer start(String host, int port, String app, String stream) {
        RtmpTestPlayer p = new RtmpTestPlayer(host, port, app, stream);
        p.thread.start();
        return p;
    }

    long videoFrames() {
        return videoFrames;
    }

    long audioFrames() {
        return audioFrames;
    }

    /** Null when fine so far, else what went wrong. */
    String problem() {
        if (failure != null && !closed) {
            return "rtmp://" + host + ":" + port + "/" + app + "/" + stream + ": " + failure;
        }
        if (Boolean.FALSE.equals(firstFrameKey)) {
            return "rtmp://" + host + ":" + port + "/" + app + "/" + stream + ": the first video frame is not a keyframe";
        }
        return null;
    }

    @Override
    public String toString() {
        return "RtmpTestPlayer[" + host + ":" + port + " video=" + videoFrames + " audio=" + audioFrames + " bytes=" + bytes
                + (failure == null ? "" : " failure=" + failure) + "]";
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.join(5000);
    }

    private void run() {
        try (Socket s = new Socket()) {
            socket = s;
            if (closed) {
                return;
            }
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(20000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            handshake(in, out);
            String tcUrl = "rtmp://" + host + ":" + port + "/" + app;
            ByteArrayOutputStream w = new ByteArrayOutputStream();
            writeMessage(w, 2, 1, 0, new byte[] {0, 0, 0x10, 0}); // set chunk size 4096: our commands fit one chunk
            writeMessage(w, 3, 20, 0, amf(o -> {
                string(o, "connect");
                number(o, 1);
                o.write(3);
                prop(o, "app", app);
                prop(o, "flashVer", "LNX 9,0,124,2");
                prop(o, "tcUrl", tcUrl);
                o.write(new byte[] {0, 0, 9});
            }));
            writeMessage(w, 3, 20, 0, amf(o -> {
                string(o, "createStream");
                number(o, 2);
                o.write(5);
            }));
            out.write(w.toByteArray());
            out.flush();
            read(in, out);
        } catch (Throwable t) {
            failure = t;
        }
    }

    private static void handshake(DataInputStream in, OutputStream out) throws IOException {
        byte[] c1 = new byte[1536];
        ThreadLocalRandom.current().nextBytes(c1);
        for (int i = 0; i < 8; i++) {
            c1[i] = 0; // time 0, zero: the simple handshake
        }
        out.write(3);
        out.write(c1);
        out.flush();
        in.readFully(new byte[1]);
        byte[] s1 = new byte[1536];
        in.readFully(s1);
        out.write(s1);
        out.flush();
        in.readFully(new byte[1536]);
    }

    /** One chunk stream's last header. */
    private static final class ChunkStream {
        int length;
        int type;
        int streamId;
        boolean extended;
        ByteArrayOutputStream message;
    }

    private void read(DataInputStream in, OutputStream out) throws IOException {
        Map<Integer, ChunkStream> streams = new HashMap<>();
        int chunkSize = 128;
        long window = 0;
        long acked = 0;
        long total = 0;
        boolean playSent = false;
        boolean videoHeaderSeen = false;
        while (!closed) {
            int b0 = in.readUnsignedByte();
            total++;
            int fmt = b0 >> 6;
            int csid = b0 & 0x3f;
            if (csid == 0) {
                csid = 64 + in.readUnsignedByte();
                total++;
            } else if (csid == 1) {
                csid = 64 + in.readUnsignedByte() + in.readUnsignedByte() * 256;
                total += 2;
            }
            ChunkStream cs = streams.computeIfAbsent(csid, k -> new ChunkStream());
            int ts = 0;
            if (fmt <= 2) {
                ts = u24(in);
                total += 3;
            }
            if (fmt <= 1) {
                cs.length = u24(in);
                cs.type = in.readUnsignedByte();
                total += 4;
            }
            if (fmt == 0) {
                cs.streamId = Integer.reverseBytes(in.readInt());
                total += 4;
            }
            if (fmt <= 2) {
                cs.extended = ts == 0xFFFFFF;
            }
            if (cs.extended) {
                in.readInt();
                total += 4;
            }
            if (cs.message == null) {
                cs.message = new ByteArrayOutputStream(Math.max(16, cs.length));
            }
            int n = Math.min(chunkSize, cs.length - cs.message.size());
            byte[] part = new byte[Math.max(0, n)];
            in.readFully(part);
            total += part.length;
            cs.message.write(part);
            bytes = total;
            if (window > 0 && total - acked >= window / 2) {
                ByteArrayOutputStream w = new ByteArrayOutputStream();
                writeMessage(w, 2, 3, 0, int32((int) total));
                out.write(w.toByteArray());
                out.flush();
                acked = total;
            }
            if (cs.message.size() < cs.length) {
                continue;
            }
            byte[] m = cs.message.toByteArray();
            cs.message = null;
            switch (cs.type) {
                case 1 -> chunkSize = ((m[0] & 0x7f) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff);
                case 5 -> window = ((m[0] & 0xffL) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff);
                case 20 -> {
                    if (!playSent && new String(m, StandardCharsets.ISO_8859_1).contains("_result")) {
                        int id = createStreamResult(m);
                        if (id > 0) {
                            ByteArrayOutputStream w = new ByteArrayOutputStream();
                            writeMessage(w, 8, 20, id, amf(o -> {
                                string(o, "play");
                                number(o, 0);
                                o.write(5);
                                string(o, stream);
                                number(o, -2000);
                            }));
                            out.write(w.toByteArray());
                            out.flush();
                            playSent = true;
                        }
                    }
                }
                case 9 -> {
                    if (m.length >= 2 && (m[0] & 0x0f) == 7 && m[1] == 0) {
                        videoHeaderSeen = true;
                    } else if (m.length > 0) {
                        if (videoFrames == 0 && videoHeaderSeen) {
                            firstFrameKey = (m[0] & 0xf0) == 0x10;
                        }
                        videoFrames++;
                    }
                }
                case 8 -> audioFrames++;
                default -> {
                    // user control, data, others: read and ignored
                }
            }
        }
    }

    /** The stream id of a createStream _result (transaction 2), or -1 for another _result. */
    private static int createStreamResult(byte[] m) {
        // "_result" string, transaction number (0x00 + 8 bytes), null (0x05), stream id number
        int i = 0;
        if (m[i] != 2) {
            return -1;
        }
        int len = ((m[1] & 0xff) << 8) | (m[2] & 0xff);
        i = 3 + len;
        if (m[i] != 0 || Double.longBitsToDouble(bits(m, i + 1)) != 2.0) {
            return -1;
        }
        i += 9;
        if (m[i] == 5) {
            i++;
        }
        if (m[i] != 0) {
            return -1;
        }
        return (int) Double.longBitsToDouble(bits(m, i + 1));
    }

    private static long bits(byte[] m, int at) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = (v << 8) | (m[at + k] & 0xff);
        }
        return v;
    }

    private static int u24(DataInputStream in) throws IOException {
        int a = in.read();
        int b = in.read();
        int c = in.read();
        if ((a | b | c) < 0) {
            throw new EOFException();
        }
        return (a << 16) | (b << 8) | c;
    }

    private interface AmfWriter {
        void write(ByteArrayOutputStream o) throws IOException;
    }

    private static byte[] amf(AmfWriter w) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        w.write(o);
        return o.toByteArray();
    }

    private static void string(ByteArrayOutputStream o, String s) {
        o.write(2);
        key(o, s);
    }

    private static void key(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write(b.length >> 8);
        o.write(b.length);
        o.writeBytes(b);
    }

    private static void number(ByteArrayOutputStream o, double d) {
        o.write(0);
        long v = Double.doubleToLongBits(d);
        for (int k = 7; k >= 0; k--) {
            o.write((int) (v >> (8 * k)));
        }
    }

    private static void prop(ByteArrayOutputStream o, String k, String v) {
        key(o, k);
        string(o, v);
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    /** One message as a single fmt-0 chunk (payloads here are below our 4096 chunk size). */
    private static void writeMessage(ByteArrayOutputStream w, int csid, int type, int streamId, byte[] payload) {
        w.write(csid & 0x3f);
        w.write(0);
        w.write(0);
        w.write(0);
        w.write(payload.length >> 16);
        w.write(payload.length >> 8);
        w.write(payload.length);
        w.write(type);
        w.write(streamId);
        w.write(streamId >> 8);
        w.write(streamId >> 16);
        w.write(streamId >> 24);
        w.writeBytes(payload);
    }
}
