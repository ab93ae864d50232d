package org.fluvia.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.fluvia.codec.flv.FlvDecoder;
import org.fluvia.codec.rtmp.AcknowledgementHandler;
import org.fluvia.codec.rtmp.ChunkDecoder;
import org.fluvia.codec.rtmp.ChunkEncoder;
import org.fluvia.codec.rtmp.HandshakeClientHandler;

/**
 * The load tool: K publishers, then N RTMP players, N HTTP-FLV players and M HLS pollers ramped in,
 * a measured window, a summary, and {@code N passed, M failed} on the last line (exit 0 when none
 * failed). See {@link LoadOptions#USAGE}.
 */
public final class Load {

    private final LoadOptions options;
    private final PrintStream out;
    private final List<ClientStats> clients = new ArrayList<>();
    private final List<ChannelFuture> channels = new ArrayList<>();
    /** The players' channels (not the publishers'), closed before the publisher-only rate is measured again. */
    private final List<ChannelFuture> playerChannels = new ArrayList<>();
    /** When the players were closed before the end (see publisherRateAfterPlayers); 0: they were not. */
    private long playersClosedNanos;
    private final LoadRun run;
    private EventLoopGroup group;
    private Class<? extends SocketChannel> channelClass;

    Load(LoadOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.run = new LoadRun(options.publishers() > 0 ? new SendTimes() : null);
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int failed = new Load(options, System.out).run();
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs the whole load and prints the summary; returns how many clients failed. */
    int run() throws IOException, InterruptedException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        if (Epoll.isAvailable()) {
            group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
            channelClass = EpollSocketChannel.class;
        } else {
            group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
            channelClass = NioSocketChannel.class;
        }
        ProcSampler server = new ProcSampler(options.serverPids(), options.clockTicks());
        ProcSampler self = new ProcSampler(List.of((int) ProcessHandle.current().pid()), options.clockTicks());
        Window w = new Window();
        try {
            long t0 = System.nanoTime();
            if (options.publishers() > 0) {
                FlvFile file = FlvFile.read(options.file());
                log("publishing %s (%d tags, %.1f s) to %d stream(s)", options.file(), file.tags().size(),
                        file.durationMs() / 1000.0, options.publishers());
                for (int i = 0; i < options.publishers(); i++) {
                    startPublisher(i, file);
                }
                awaitPublishers(t0);
            }
            List<ChannelFuture> probes = startProbes();
            int baseline = Math.max(1, options.warmupSeconds() - 2);
            sleepUntil(t0 + TimeUnit.SECONDS.toNanos(options.warmupSeconds() - baseline));
            for (ChannelFuture f : probes) {
                f.channel().close().await(2, TimeUnit.SECONDS);
            }
            double cpuA = server.cpuSeconds();
            long aNanos = System.nanoTime();
            sleepUntil(t0 + TimeUnit.SECONDS.toNanos(options.warmupSeconds()));
            w.publisherRate = (server.cpuSeconds() - cpuA) / ((System.nanoTime() - aNanos) / 1e9);
            w.rssBeforeKib = server.rssKib();

            int players = options.rtmpPlayers() + options.flvPlayers() + options.hlsPollers();
            log("ramping %d clients at %.0f/s", players, options.rampPerSecond());
            long rampStart = System.nanoTime();
            for (int i = 0; i < players; i++) {
                sleepUntil(rampStart + (long) (i * 1e9 / options.rampPerSecond()));
                if (i < options.rtmpPlayers()) {
                    startRtmpPlayer(i);
                } else if (i < options.rtmpPlayers() + options.flvPlayers()) {
                    startFlvPlayer(i - options.rtmpPlayers());
                } else {
                    startHlsPoller(i - options.rtmpPlayers() - options.flvPlayers());
                }
            }
            log("ramp done in %.1f s; settling %d s", (System.nanoTime() - rampStart) / 1e9, options.settleSeconds());
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.settleSeconds()));

            long start = System.nanoTime();
            run.windowStarts(start);
            double cpuStart = server.cpuSeconds();
            double sysStart = server.systemSeconds();
            double jitStart = server.compilerSeconds();
            double selfStart = self.cpuSeconds();
            long writesStart = server.writeCalls();
            long[] machineStart = ProcSampler.machineTicks();
            long bytesStart = playerBytes();
            log("measuring %d s", options.durationSeconds());
            sleepUntil(start + TimeUnit.SECONDS.toNanos(options.durationSeconds()));
            long end = System.nanoTime();
            run.windowEnds(end);
            w.seconds = (end - start) / 1e9;
            w.serverCpu = server.cpuSeconds() - cpuStart;
            w.serverSys = server.systemSeconds() - sysStart;
            w.serverJit = server.compilerSeconds() - jitStart;
            w.selfCpu = self.cpuSeconds() - selfStart;
            long writesEnd = server.writeCalls();
            long[] machineEnd = ProcSampler.machineTicks();
            w.serverWrites = writesStart < 0 || writesEnd < 0 ? -1 : writesEnd - writesStart;
            if (machineStart != null && machineEnd != null) {
                w.machineTicks = new long[machineEnd.length];
                for (int i = 0; i < machineEnd.length; i++) {
                    w.machineTicks[i] = machineEnd[i] - machineStart[i];
                }
            }
            w.bytes = playerBytes() - bytesStart;
            w.rssKib = server.rssKib();
            w.sampled = server.enabled();
            if (options.publishers() > 0 && options.hlsPollers() == 0 && w.sampled) {
                w.publisherRateAfter = publisherRateAfterPlayers(server);
            }
        } finally {
            long end = System.nanoTime();
            run.end();
            for (ChannelFuture f : channels) {
                f.channel().close();
            }
            for (ChannelFuture f : channels) {
                f.channel().closeFuture().await(5, TimeUnit.SECONDS);
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            for (ClientStats c : clients) {
                // a player closed for the publisher-only measurement is judged as of then
                c.finish(c.kind != ClientStats.Kind.PUBLISH && playersClosedNanos != 0 ? playersClosedNanos : end);
            }
        }
        return summarise(w);
    }

    /**
     * The publisher-only rate again, on a warm server: the players leave, and after a pause for their
     * closing, {@value #AFTER_SECONDS} s with the publishers alone. A fresh JVM compiles during the
     * warm-up, and that work, subtracted from the window as if it were the publisher's, made a fresh
     * Fluvia look cheaper per GB (docs/BENCHMARKS.md, tenth session).
     */
    private double publisherRateAfterPlayers(ProcSampler server) throws InterruptedException {
        run.end(); // the players' closing is the tool's doing from here on
        playersClosedNanos = System.nanoTime();
        for (ChannelFuture f : playerChannels) {
            f.channel().close();
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(AFTER_PAUSE_SECONDS));
        double cpuA = server.cpuSeconds();
        long aNanos = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(AFTER_SECONDS));
        return (server.cpuSeconds() - cpuA) / ((System.nanoTime() - aNanos) / 1e9);
    }

    /** After the window: seconds for the players' closing, then seconds of publisher-only CPU. */
    static final int AFTER_PAUSE_SECONDS = 5;
    static final int AFTER_SECONDS = 10;

    private static double pct(double part, double all) {
        return all > 0 ? 100 * part / all : 0;
    }

    private static double perPlayerSecond(long calls, int players, double seconds) {
        return calls / (double) players / Math.max(seconds, 1e-9);
    }

    /** The measured window's numbers. */
    static final class Window {
        double seconds;
        double serverCpu;
        /** The kernel's part of serverCpu. */
        double serverSys;
        /** The JIT compiler threads' part of serverCpu. */
        double serverJit;
        double selfCpu;
        /** The server's write system calls in the window (-1: unknown). */
        long serverWrites;
        /** The machine's CPU ticks in the window by kind (see ProcSampler.machineTicks), or null. */
        long[] machineTicks;
        /** Publisher-only CPU-s per s in the warm-up's last seconds, before any player. */
        double publisherRate;
        /** The same after the window, the players gone (-1: not measured; see publisherRateAfterPlayers). */
        double publisherRateAfter = -1;
        long bytes;
        long rssKib;
        long rssBeforeKib;
        boolean sampled;

        /** What the window's CPU is reduced by, per second: the lower of the two publisher-only rates. */
        double baselineRate() {
            return publisherRateAfter >= 0 ? Math.min(publisherRate, publisherRateAfter) : publisherRate;
        }
    }

    private long playerBytes() {
        long n = 0;
        for (ClientStats c : clients) {
            if (c.kind != ClientStats.Kind.PUBLISH) {
                n += c.bytes;
            }
        }
        return n;
    }

    private void awaitPublishers(long t0) throws InterruptedException {
        long deadline = t0 + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (ClientStats c : clients) {
                if (c.kind == ClientStats.Kind.PUBLISH && c.playingNanos < 0) {
                    all = false;
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(20);
        }
        log("warning: not every publisher started within 15 s");
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private String tcUrl(int port) {
        return "rtmp://" + options.host() + ":" + port + "/" + options.app();
    }

    /**
     * One uncounted player of each kind in use, started at the beginning of the warm-up and closed
     * before the ramp, so class loading and JIT in this JVM do not show up as the first players' TTFF.
     */
    private List<ChannelFuture> startProbes() {
        int counted = clients.size();
        int open = channels.size();
        if (options.rtmpPlayers() > 0) {
            startRtmpPlayer(0);
        }
        if (options.flvPlayers() > 0) {
            startFlvPlayer(0);
        }
        if (options.hlsPollers() > 0) {
            startHlsPoller(0);
        }
        List<ChannelFuture> probes = new ArrayList<>(channels.subList(open, channels.size()));
        clients.subList(counted, clients.size()).clear();
        channels.subList(open, channels.size()).clear();
        return probes;
    }

    private void connect(ClientStats stats, int port, Function<ClientStats, ChannelInitializer<SocketChannel>> init) {
        clients.add(stats);
        Bootstrap b = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(init.apply(stats));
        ChannelFuture f = b.connect(options.host(), port);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                stats.fail("connect: " + done.cause().getMessage());
            }
        });
        channels.add(f);
        if (stats.kind != ClientStats.Kind.PUBLISH) {
            playerChannels.add(f);
        }
    }

    private void startPublisher(int i, FlvFile file) {
        ClientStats stats = new ClientStats(ClientStats.Kind.PUBLISH, i, options.streamIndex(i), System.nanoTime());
        String name = options.streamName(i);
        connect(stats, options.publishPort(), s -> new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                rtmpPipeline(ch.pipeline(), s, new RtmpPublisher(s, run, file, tcUrl(options.publishPort()), options.app(), name));
            }
        });
    }

    private void startRtmpPlayer(int i) {
        ClientStats stats = new ClientStats(ClientStats.Kind.RTMP, i, options.streamIndex(i), System.nanoTime());
        String name = options.streamName(i);
        connect(stats, options.rtmpPort(), s -> new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                rtmpPipeline(ch.pipeline(), s, new RtmpPlayer(s, run, tcUrl(options.rtmpPort()), options.app(), name));
            }
        });
    }

    private static void rtmpPipeline(ChannelPipeline p, ClientStats stats, io.netty.channel.ChannelHandler session) {
        ChunkDecoder decoder = new ChunkDecoder();
        if (stats.kind != ClientStats.Kind.PUBLISH) {
            p.addLast("bytes", new ByteCounter(stats));
        }
        p.addLast("handshake", new HandshakeClientHandler());
        p.addLast("chunkEncoder", new ChunkEncoder());
        p.addLast("chunkDecoder", decoder);
        p.addLast("ack", new AcknowledgementHandler(decoder));
        p.addLast("session", session);
    }

    private String httpHost() {
        return options.host() + ":" + options.httpPort();
    }

    private void startFlvPlayer(int i) {
        ClientStats stats = new ClientStats(ClientStats.Kind.FLV, i, options.streamIndex(i), System.nanoTime());
        String path = "/" + options.app() + "/" + options.streamName(i) + ".flv";
        connect(stats, options.httpPort(), s -> new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("http", new HttpClientCodec());
                ch.pipeline().addLast("unwrap", new HttpFlvPlayer.Unwrap(s, run, httpHost(), path));
                ch.pipeline().addLast("flv", new FlvDecoder());
                ch.pipeline().addLast("tags", new HttpFlvPlayer.Tags(s, run));
            }
        });
    }

    private void startHlsPoller(int i) {
        ClientStats stats = new ClientStats(ClientStats.Kind.HLS, i, options.streamIndex(i), System.nanoTime());
        String path = "/" + options.app() + "/" + options.streamName(i) + ".m3u8";
        connect(stats, options.httpPort(), s -> new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("http", new HttpClientCodec());
                ch.pipeline().addLast("aggregate", new HttpObjectAggregator(64 * 1024 * 1024));
                ch.pipeline().addLast("hls", new HlsPoller(s, run, httpHost(), path));
            }
        });
    }

    private void log(String format, Object... args) {
        out.printf(Locale.ROOT, "[load] " + format + "%n", args);
        out.flush();
    }

    /** Prints per-kind lines, the latency and server lines, a RESULT line, and the pass/fail line; returns failures. */
    int summarise(Window w) {
        Map<String, String> result = new LinkedHashMap<>();
        result.put("label", options.label());
        int passed = 0;
        int failed = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        List<ClientStats> players = new ArrayList<>();
        long stalls = 0;
        long regressions = 0;
        long unmatched = 0;
        long messages = 0;
        long bytes = 0;
        for (ClientStats c : clients) {
            String why = c.failure();
            if (why == null) {
                passed++;
            } else {
                failed++;
                reasons.merge(c.kind + ": " + why, 1, Integer::sum);
            }
            if (c.kind != ClientStats.Kind.PUBLISH) {
                players.add(c);
                stalls += c.stalls;
                regressions += c.regressions;
                unmatched += c.unmatched;
                messages += c.messages;
                bytes += c.bytes;
            }
        }
        out.println();
        out.println("== fluvia-bench load " + options.label() + " ==");
        for (ClientStats.Kind kind : ClientStats.Kind.values()) {
            List<ClientStats> of = clients.stream().filter(c -> c.kind == kind).toList();
            if (of.isEmpty()) {
                continue;
            }
            double[] connect = of.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.connectedNanos)).toArray();
            double[] playing = of.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.playingNanos)).toArray();
            double[] ttff = of.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.firstFrameNanos)).toArray();
            double[] ttfk = of.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.firstKeyNanos)).toArray();
            long kindBytes = of.stream().mapToLong(c -> c.bytes).sum();
            long kindMessages = of.stream().mapToLong(c -> c.messages).sum();
            long kindFailed = of.stream().filter(c -> c.failure() != null).count();
            out.printf(Locale.ROOT, "%-7s clients %5d  connect p50 %6.1f ms  play start p50 %6.1f ms  TTFF p50/p95/p99 %s  first keyframe p50/p95/p99 %s"
                            + "  %s  %d msgs  %d stalls  %d ts regressions  %d ts jumps > 1 s (%d clients)  %d failed%n",
                    kind, of.size(), Percentiles.of(connect, 50), Percentiles.of(playing, 50), triple(ttff), triple(ttfk), size(kindBytes), kindMessages,
                    of.stream().mapToLong(c -> c.stalls).sum(), of.stream().mapToLong(c -> c.regressions).sum(),
                    of.stream().mapToLong(c -> c.jumps).sum(), of.stream().filter(c -> c.jumps > 0).count(), kindFailed);
        }
        double[] ttff = players.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.firstFrameNanos)).toArray();
        double[] ttfk = players.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.firstKeyNanos)).toArray();
        if (players.size() >= 10) {
            // Where in the ramp the slow starts were: a tail made of the first players points at warm-up.
            List<ClientStats> byStart = players.stream().sorted(java.util.Comparator.comparingLong(c -> c.startNanos)).toList();
            StringBuilder tenths = new StringBuilder();
            StringBuilder playStarts = new StringBuilder();
            for (int d = 0; d < 10; d++) {
                List<ClientStats> part = byStart.subList(d * byStart.size() / 10, (d + 1) * byStart.size() / 10);
                tenths.append(String.format(Locale.ROOT, " %.0f",
                        Percentiles.of(part.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.firstFrameNanos)).toArray(), 95)));
                playStarts.append(String.format(Locale.ROOT, " %.0f",
                        Percentiles.of(part.stream().mapToDouble(c -> ClientStats.millis(c.startNanos, c.playingNanos)).toArray(), 95)));
            }
            out.println("TTFF p95 (ms) of each tenth of the players, in the order they started:" + tenths);
            out.println("play start p95 (ms), likewise (connect to NetStream.Play.Start / HTTP 200):" + playStarts);
            List<ClientStats> firstTenth = byStart.subList(0, byStart.size() / 10);
            if (firstTenth.stream().anyMatch(c -> c.handshakeNanos > 0)) {
                // Which step of an RTMP play start the first players waited in.
                out.printf(Locale.ROOT, "first tenth's RTMP steps p50/p95 (ms): TCP connect %s, handshake %s, connect command %s,"
                                + " createStream %s, play %s%n",
                        stage(firstTenth, c -> c.startNanos, c -> c.connectedNanos),
                        stage(firstTenth, c -> c.connectedNanos, c -> c.handshakeNanos),
                        stage(firstTenth, c -> c.handshakeNanos, c -> c.connectAnsweredNanos),
                        stage(firstTenth, c -> c.connectAnsweredNanos, c -> c.streamCreatedNanos),
                        stage(firstTenth, c -> c.streamCreatedNanos, c -> c.playingNanos));
            }
        }
        Histogram latency = run.latency();
        if (run.sendTimes() != null) {
            out.printf(Locale.ROOT, "latency publish->play (frames sent after each player's first frame): p50 %.1f  p95 %.1f  p99 %.1f"
                    + "  p99.9 %.1f  max %.1f ms  (%d samples, %d frames not matched)%n", latency.percentile(50),
                    latency.percentile(95), latency.percentile(99), latency.percentile(99.9), latency.percentile(100),
                    latency.count(), unmatched);
            Histogram inWindow = run.windowLatency();
            out.printf(Locale.ROOT, "latency publish->play in the measured window (all players connected): p50 %.1f  p95 %.1f  p99 %.1f"
                    + "  p99.9 %.1f  max %.1f ms  (%d samples)%n", inWindow.percentile(50), inWindow.percentile(95),
                    inWindow.percentile(99), inWindow.percentile(99.9), inWindow.percentile(100), inWindow.count());
            out.println("latency in the measured window, per cent of its samples by ms (0 ms up to its p99.9):"
                    + inWindow.shares(inWindow.percentile(99.9)));
        }
        double gb = w.bytes / 1e9;
        double serverLoad = w.serverCpu - w.baselineRate() * w.seconds;
        double perGb = gb > 0 ? serverLoad / gb : -1;
        int playerCount = players.size();
        if (w.sampled) {
            out.printf(Locale.ROOT, "server: window %.1f s, %.2f cpu-s (%.0f %% system, %.0f %% JIT compiler; publisher-only %.3f cpu-s/s"
                            + " subtracted: %.3f in the warm-up, %s after the window), delivered %.3f GB"
                            + " (%.0f Mbit/s) -> %.2f cpu-s per GB; RSS %.1f MB (%.1f MB before players, %.1f KB per player)%n",
                    w.seconds, w.serverCpu, w.serverCpu > 0 ? 100 * w.serverSys / w.serverCpu : 0,
                    w.serverCpu > 0 ? 100 * w.serverJit / w.serverCpu : 0, w.baselineRate(), w.publisherRate,
                    w.publisherRateAfter >= 0 ? String.format(Locale.ROOT, "%.3f", w.publisherRateAfter) : "not measured",
                    gb, w.bytes * 8 / 1e6 / Math.max(w.seconds, 1e-9), perGb,
                    w.rssKib / 1024.0, w.rssBeforeKib / 1024.0,
                    playerCount > 0 ? (w.rssKib - w.rssBeforeKib) / (double) playerCount : 0.0);
            if (w.serverWrites > 0 && playerCount > 0) {
                // A fan-out server's CPU follows its writes. syscw counts write(2) and writev(2), not send(2):
                // nginx-rtmp's count is 0, and Fluvia's nearly so since a player's tick is one buffer (Netty
                // sends a single buffer with send(2)); what is left are writes of several buffers.
                out.printf(Locale.ROOT, "server: %.1f write(2)/writev(2) calls per player per second (send(2) not counted)%n",
                        perPlayerSecond(w.serverWrites, playerCount, w.seconds));
            }
        }
        if (w.machineTicks != null) {
            long[] t = w.machineTicks;
            double all = java.util.Arrays.stream(t).sum();
            // Work no process is charged with, and time the host took. Tick-sampled (unlike a process's CPU,
            // which the kernel scales to its exact run time): it has read less busy time than Fluvia and the
            // tool used together, work woken by timers can fall between ticks; steal is the figure to watch.
            out.printf(Locale.ROOT, "machine: %.0f %% busy (%.0f %% user+nice, %.0f %% system, %.0f %% softirq+irq, %.0f %% steal) of %.1f cpu-s%n",
                    pct(all - t[3] - t[4], all), pct(t[0] + t[1], all), pct(t[2], all), pct(t[5] + t[6], all), pct(t[7], all),
                    all / options.clockTicks());
            result.put("machine_softirq_pct", fmt(pct(t[5] + t[6], all)));
            result.put("machine_steal_pct", fmt(pct(t[7], all)));
        }
        out.printf(Locale.ROOT, "load tool: %.2f cpu-s in the window; totals %s, %d msgs, %d stalls, %d ts regressions%n",
                w.selfCpu, size(bytes), messages, stalls, regressions);
        reasons.forEach((why, n) -> out.printf(Locale.ROOT, "  failed: %d x %s%n", n, why));
        result.put("players", String.valueOf(playerCount));
        result.put("ttff_p50", fmt(Percentiles.of(ttff, 50)));
        result.put("ttff_p95", fmt(Percentiles.of(ttff, 95)));
        result.put("ttff_p99", fmt(Percentiles.of(ttff, 99)));
        result.put("ttfk_p50", fmt(Percentiles.of(ttfk, 50)));
        result.put("ttfk_p95", fmt(Percentiles.of(ttfk, 95)));
        result.put("lat_p50", String.valueOf(latency.percentile(50)));
        result.put("lat_p95", String.valueOf(latency.percentile(95)));
        result.put("lat_p99", String.valueOf(latency.percentile(99)));
        result.put("lat_samples", String.valueOf(latency.count()));
        result.put("win_lat_p50", String.valueOf(run.windowLatency().percentile(50)));
        result.put("win_lat_p95", String.valueOf(run.windowLatency().percentile(95)));
        result.put("win_lat_p99", String.valueOf(run.windowLatency().percentile(99)));
        result.put("window_s", fmt(w.seconds));
        result.put("window_gb", String.format(Locale.ROOT, "%.4f", gb));
        result.put("server_cpu_s", fmt(w.serverCpu));
        result.put("server_sys_pct", fmt(w.serverCpu > 0 ? 100 * w.serverSys / w.serverCpu : 0));
        result.put("server_jit_pct", fmt(w.serverCpu > 0 ? 100 * w.serverJit / w.serverCpu : 0));
        result.put("publisher_cpu_rate", String.format(Locale.ROOT, "%.4f", w.baselineRate()));
        result.put("publisher_cpu_rate_warmup", String.format(Locale.ROOT, "%.4f", w.publisherRate));
        result.put("publisher_cpu_rate_after", String.format(Locale.ROOT, "%.4f", w.publisherRateAfter));
        result.put("cpu_per_gb", String.format(Locale.ROOT, "%.3f", perGb));
        result.put("rss_mb", fmt(w.rssKib / 1024.0));
        result.put("rss_before_mb", fmt(w.rssBeforeKib / 1024.0));
        result.put("rss_kb_per_player", fmt(playerCount > 0 ? (w.rssKib - w.rssBeforeKib) / (double) playerCount : 0));
        result.put("tool_cpu_s", fmt(w.selfCpu));
        result.put("server_writes_per_player_s", fmt(w.serverWrites < 0 || playerCount == 0 ? -1 : perPlayerSecond(w.serverWrites, playerCount, w.seconds)));
        result.put("stalls", String.valueOf(stalls));
        result.put("regressions", String.valueOf(regressions));
        result.put("jumps", String.valueOf(clients.stream().mapToLong(c -> c.jumps).sum()));
        result.put("lat_max", String.valueOf(latency.percentile(100)));
        result.put("passed", String.valueOf(passed));
        result.put("failed", String.valueOf(failed));
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v.replace(' ', '_')));
        out.println(line);
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed;
    }

    private static String stage(List<ClientStats> of, java.util.function.ToLongFunction<ClientStats> from,
            java.util.function.ToLongFunction<ClientStats> to) {
        double[] ms = of.stream().mapToDouble(c -> ClientStats.millis(from.applyAsLong(c), to.applyAsLong(c))).toArray();
        return String.format(Locale.ROOT, "%.1f/%.1f", Percentiles.of(ms, 50), Percentiles.of(ms, 95));
    }

    private static String triple(double[] values) {
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f ms", Percentiles.of(values, 50), Percentiles.of(values, 95),
                Percentiles.of(values, 99));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String size(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
