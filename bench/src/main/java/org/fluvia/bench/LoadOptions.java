package org.fluvia.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load tool's command line, validated: hard caps on clients and time, loopback targets only.
 *
 * @param host         the server's address; must resolve to 127.x.x.x
 * @param publishPort  where the publishers send: the RTMP port, or an origin's while the players load its edge
 * @param serverPids   processes whose CPU and RSS are sampled (nginx: master and worker); may be empty
 */
public record LoadOptions(String host, int rtmpPort, int publishPort, int httpPort, String app, String stream,
        int rtmpPlayers, int flvPlayers, int hlsPollers, int publishers, Path file,
        double rampPerSecond, int warmupSeconds, int settleSeconds, int durationSeconds,
        List<Integer> serverPids, int clockTicks, String label) {

    /** No run opens more clients than this, whatever the command line says. */
    public static final int MAX_CLIENTS = 5000;
    /** No run lasts longer than this (warm-up + ramp + settle + measured window). */
    public static final int MAX_SECONDS = 600;

    public static final String USAGE = """
            usage: Load [options]
              --host H             server address, loopback only (default 127.0.0.1)
              --rtmp-port P        RTMP port (default 1935)
              --publish-port P     RTMP port the publishers send to (default: --rtmp-port), e.g. an origin's
                                   while the players load an edge that pulls from it
              --http-port P        HTTP port for HTTP-FLV and HLS (default 8080)
              --app A --stream S   stream address (default live/bench; with K publishers: S0..S(K-1))
              --rtmp-players N     RTMP players (default 0)
              --flv-players N      HTTP-FLV players (default 0)
              --hls-pollers M      HLS pollers (default 0)
              --publishers K       RTMP publishers of --file, real time, looped (default 0: publish externally;
                                   no latency then)
              --file F.flv         the FLV file the publishers send
              --ramp R             clients started per second (default 100)
              --warmup S           seconds the publishers run before players start (default 3; CPU baseline
                                   is measured over its last max(1, S-2) seconds, and again for 10 s after the
                                   window once the players have gone: the lower one is subtracted)
              --settle S           seconds after the ramp before the measured window (default 5)
              --duration S         length of the measured window in seconds (default 30)
              --server-pid P[,P]   server processes to sample in /proc (CPU-s per GB delivered, RSS)
              --clk-tck T          clock ticks per second of /proc/PID/stat (default 100)
              --label L            a name for the RESULT line
            caps: at most %d clients, at most %d s in all""".formatted(MAX_CLIENTS, MAX_SECONDS);

    /** Parses and validates; every problem is an IllegalArgumentException whose message says what to change. */
    public static LoadOptions parse(String... args) {
        String host = "127.0.0.1";
        int rtmpPort = 1935;
        int publishPort = -1;
        int httpPort = 8080;
        String app = "live";
        String stream = "bench";
        int rtmp = 0;
        int flv = 0;
        int hls = 0;
        int publishers = 0;
        Path file = null;
        double ramp = 100;
        int warmup = 3;
        int settle = 5;
        int duration = 30;
        List<Integer> pids = new ArrayList<>();
        int ticks = 100;
        String label = "run";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--rtmp-port" -> rtmpPort = port(a, v);
                case "--publish-port" -> publishPort = port(a, v);
                case "--http-port" -> httpPort = port(a, v);
                case "--app" -> app = v;
                case "--stream" -> stream = v;
                case "--rtmp-players" -> rtmp = count(a, v);
                case "--flv-players" -> flv = count(a, v);
                case "--hls-pollers" -> hls = count(a, v);
                case "--publishers" -> publishers = count(a, v);
                case "--file" -> file = Path.of(v);
                case "--ramp" -> ramp = Double.parseDouble(v);
                case "--warmup" -> warmup = count(a, v);
                case "--settle" -> settle = count(a, v);
                case "--duration" -> duration = count(a, v);
                case "--server-pid" -> {
                    for (String p : v.split(",")) {
                        if (!p.isBlank()) {
                            pids.add(Integer.parseInt(p.trim()));
                        }
                    }
                }
                case "--clk-tck" -> ticks = count(a, v);
                case "--label" -> label = v;
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        int clients = rtmp + flv + hls + publishers;
        if (clients == 0) {
            throw new IllegalArgumentException("nothing to do: give --rtmp-players, --flv-players, --hls-pollers or --publishers");
        }
        if (clients > MAX_CLIENTS) {
            throw new IllegalArgumentException(clients + " clients asked for; the cap is " + MAX_CLIENTS);
        }
        if (!(ramp > 0) || ramp > 10_000) {
            throw new IllegalArgumentException("--ramp must be in (0, 10000] clients per second, not " + ramp);
        }
        if (duration < 1) {
            throw new IllegalArgumentException("--duration must be at least 1 s");
        }
        long total = warmup + settle + duration + (long) Math.ceil((rtmp + flv + hls) / ramp)
                + (publishers > 0 ? Load.AFTER_PAUSE_SECONDS + Load.AFTER_SECONDS : 0);
        if (total > MAX_SECONDS) {
            throw new IllegalArgumentException("the run would take " + total + " s (warm-up + ramp + settle + duration, then " + (Load.AFTER_PAUSE_SECONDS + Load.AFTER_SECONDS)
                    + " s of publisher-only CPU with publishers); the cap is "
                    + MAX_SECONDS + " s: shorten --duration or raise --ramp");
        }
        if (publishers > 0) {
            if (file == null) {
                throw new IllegalArgumentException("--publishers needs --file F.flv");
            }
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read --file " + file);
            }
        }
        requireLoopback(host);
        return new LoadOptions(host, rtmpPort, publishPort < 0 ? rtmpPort : publishPort, httpPort, app, stream, rtmp, flv, hls, publishers, file, ramp,
                warmup, settle, duration, List.copyOf(pids), ticks, label);
    }

    /** Refuses any target that is not an IPv4 loopback address: this tool must never load someone else's server. */
    static void requireLoopback(String host) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve --host " + host);
        }
        byte[] b = address.getAddress();
        if (b.length != 4 || b[0] != 127) {
            throw new IllegalArgumentException("--host " + host + " (" + address.getHostAddress()
                    + ") is not a 127.x.x.x address; this tool only loads servers on loopback");
        }
    }

    private static int port(String option, String value) {
        int p = Integer.parseInt(value);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(option + " " + value + " is not a port");
        }
        return p;
    }

    private static int count(String option, String value) {
        int n = Integer.parseInt(value);
        if (n < 0) {
            throw new IllegalArgumentException(option + " must not be negative");
        }
        return n;
    }

    /** The stream name publisher or player {@code index} uses: one stream per publisher, players spread over them. */
    public String streamName(int index) {
        return publishers <= 1 ? stream : stream + (index % publishers);
    }

    /** Which publisher's stream {@code index} maps to (0 without publishers). */
    public int streamIndex(int index) {
        return publishers <= 1 ? 0 : index % publishers;
    }
}
