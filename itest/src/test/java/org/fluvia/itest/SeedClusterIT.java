package org.fluvia.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The seed topology (../shared/seed, and docs/CLUSTER.md) end to end: two hosts, A = 127.0.0.1 and
 * B = 127.0.0.2 (loopback aliases), each running the seed's slave, master and edge as separate
 * Fluvia processes, started in the seed's order with the seed's own config files
 * ({@code bundles/org.fluvia.config/src/test/resources/seed/}), only the hosts mapped (the seed's IP
 * addresses of A and B replaced in {@code forward} and {@code origin}); {@code fluvia --host IP}
 * binds the configs' bare-port {@code listen}s to the node's host, as two machines would. Real
 * haproxy with the seed's haproxy.cfg in front of the masters on 127.0.0.1:1935, real nginx with the
 * seed's nginx.conf in front of the edges.
 *
 * <p>Deviations from the seed, all operational: haproxy binds 127.0.0.1:1935 (checked free first)
 * instead of {@code *:1935} and runs in the foreground without chroot/user/pidfile/stats socket
 * (those need root); nginx runs in a temporary prefix in the foreground, with its access log
 * showing {@code $upstream_addr}, and listens on a free loopback port instead of 80 — the only change
 * to what it does: port 80 needs root and may be taken.
 *
 * <p>Both edges connect to their origins from 127.0.0.1 (the kernel's source address for every
 * loopback destination), so an origin's API cannot tell the edges apart by IP: the "one upstream
 * connection per edge" assertions count the origins' play clients of the stream at moments when
 * the set of edges holding readers is known (both; or only B, with A killed).
 *
 * <p>Needs ffmpeg, haproxy and nginx ({@code .ci/install-deps.sh}), the seed's ports free on
 * 127.0.0.1 and 127.0.0.2 (1945-1947, 1995-1997, 8180-8182) and 127.0.0.1:1935. Work directories
 * and every log: {@code target/seed-cluster/}.
 */
class SeedClusterIT {

    static final String A = "127.0.0.1";
    static final String B = "127.0.0.2";
    /** The seed's addresses of host A and host B (as written in its configs). */
    static final String SEED_A = "10.*.72.62";
    static final String SEED_B = "10.*.62.116";
    static final String APP = "cnblogs";
    static final String STREAM = "yjmyzz";
    static final int HAPROXY_PORT = 1935;

    private final Path base = Path.of("target/seed-cluster").toAbsolutePath();
    private final Path media = base.resolve("media");
    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> players = new ArrayList<>();
    private final Map<String, SeedNode> nodes = new LinkedHashMap<>();
    private final long t0 = System.nanoTime();
    private Process haproxy;
    private Process nginx;
    private int nginxPort;

    /** One of the six seed nodes: host, role, the seed's ports, its own working directory. */
    final class SeedNode {
        final String host;
        final String role;
        final int rtmp;
        final int api;
        final int http;
        final Path dir;
        final List<FluviaNode> instances = new ArrayList<>();

        SeedNode(String host, String role, int rtmp, int api, int http) {
            this.host = host;
            this.role = role;
            this.rtmp = rtmp;
            this.api = api;
            this.http = http;
            this.dir = base.resolve((host.equals(A) ? "A" : "B") + "-" + role);
        }

        String name() {
            return (host.equals(A) ? "A" : "B") + "-" + role;
        }

        /** As the seed runs it: {@code fluvia -c ./conf/ROLE.conf} in its own directory, plus --host. */
        void start() throws IOException {
            instances.add(FluviaNode.start(dir, Map.of(), "-c", "./conf/" + role + ".conf", "--host", host, "--console", "off"));
        }

        FluviaNode node() {
            return instances.get(instances.size() - 1);
        }

        void waitUntilListening(Duration timeout) {
            for (int port : new int[] {rtmp, api, http}) {
                node().waitForPort(host, port, timeout);
            }
        }

        /** SIGKILL, as a crash. */
        void kill() throws InterruptedException {
            ProcessHandle.of(node().pid()).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(TestSupport.await(Duration.ofSeconds(10), () -> !node().isAlive()), name() + " killed");
        }

        Path srsLog() {
            return dir.resolve("objs/srs." + role + ".log");
        }

        String rtmpUrl() {
            return "rtmp://" + host + ":" + rtmp + "/" + APP + "/" + STREAM;
        }

        String httpUrl(String suffix) {
            return "http://" + host + ":" + http + "/" + APP + "/" + STREAM + suffix;
        }

        /** The stream's entry in GET /api/v1/streams, or null. */
        Map<String, Object> stream() {
            for (Object o : list(api("/api/v1/streams?count=1000"), "streams")) {
                Map<String, Object> s = map(o);
                if (STREAM.equals(s.get("name")) && APP.equals(s.get("app"))) {
                    return s;
                }
            }
            return null;
        }

        boolean publishing() {
            try {
                Map<String, Object> s = stream();
                return s != null && Boolean.TRUE.equals(map(s.get("publish")).get("active"));
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** The stream's clients from GET /api/v1/clients that match. */
        List<Map<String, Object>> clients(Predicate<Map<String, Object>> filter) {
            List<Map<String, Object>> r = new ArrayList<>();
            for (Object o : list(api("/api/v1/clients?count=1000"), "clients")) {
                Map<String, Object> c = map(o);
                if (STREAM.equals(c.get("name")) && filter.test(c)) {
                    r.add(c);
                }
            }
            return r;
        }

        /** Its play clients of the stream: on an origin, the edges' upstream connections. */
        int players() {
            return clients(c -> Boolean.FALSE.equals(c.get("publish"))).size();
        }

        Map<String, Object> api(String path) {
            try {
                TestSupport.HttpResult r = TestSupport.httpGet("http://" + host + ":" + api + path, null, null);
                if (r.status() != 200) {
                    throw new IllegalStateException(name() + " " + path + ": HTTP " + r.status() + " " + r.body());
                }
                return map(MiniJson.parse(r.body()));
            } catch (IOException e) {
                throw new UncheckedIOException(name() + " " + path, e);
            }
        }

        @Override
        public String toString() {
            return name();
        }
    }

    @Test
    void theSeedTopologyEndToEnd() throws Exception {
        boolean passed = false;
        try {
            prepare();
            run();
            passed = true;
        } finally {
            stopEverything();
            if (!passed) {
                step("FAILED: logs and work directories are in " + base);
            }
        }
        for (SeedNode n : nodes.values()) {
            for (FluviaNode f : n.instances) {
                f.assertNoLeaks();
            }
            String srsLog = Ffmpeg.read(n.srsLog());
            assertTrue(!srsLog.contains("LEAK:"), "Netty reported a buffer leak in " + n.srsLog() + ":\n" + srsLog);
        }
        cleanUpBulk();
    }

    private void run() throws Exception {
        SeedNode slaveA = nodes.get("A-slave");
        SeedNode masterA = nodes.get("A-master");
        SeedNode edgeA = nodes.get("A-edge");
        SeedNode slaveB = nodes.get("B-slave");
        SeedNode masterB = nodes.get("B-master");
        SeedNode edgeB = nodes.get("B-edge");
        List<SeedNode> masters = List.of(masterA, masterB);
        List<SeedNode> slaves = List.of(slaveA, slaveB);
        List<SeedNode> edges = List.of(edgeA, edgeB);
        String viaHaproxy = "rtmp://" + A + ":" + HAPROXY_PORT + "/" + APP + "/" + STREAM;
        String viaNginx = "http://" + A + ":" + nginxPort + "/" + APP + "/" + STREAM;

        // 1. publish through haproxy; the master that got it forwards to both slaves
        Process pub1 = track(Ffmpeg.publish(viaHaproxy, 600, media.resolve("publish-1.log")));
        SeedNode holder = awaitOne(masters, SeedNode::publishing, Duration.ofSeconds(20),
                "a master publishing the stream published through haproxy\n" + Ffmpeg.read(media.resolve("publish-1.log")));
        SeedNode other = holder == masterA ? masterB : masterA;
        step("publish through haproxy landed on " + holder);
        assertTrue(!other.publishing(), "only " + holder + " has the publish");
        for (SeedNode s : slaves) {
            assertTrue(TestSupport.await(Duration.ofSeconds(15), s::publishing), holder + " forwards to " + s);
        }

        // 2. RTMP from both slaves and both edges (5 s each), HTTP-FLV through nginx; edges pull on demand
        Map<String, Process> plays = new LinkedHashMap<>();
        for (SeedNode n : List.of(slaveA, slaveB, edgeA, edgeB)) {
            plays.put(n.name(), track(Ffmpeg.record(n.rtmpUrl(), 5, media.resolve("play-" + n.name() + ".flv"),
                    media.resolve("play-" + n.name() + ".log"))));
        }
        plays.put("nginx-flv", track(Ffmpeg.record(viaNginx + ".flv", 5, media.resolve("play-nginx-flv.flv"),
                media.resolve("play-nginx-flv.log"))));
        // keep both edges' pulls (and so their HLS) going until the HLS step is done
        for (SeedNode e : edges) {
            keep(RtmpTestPlayer.start(e.host, e.rtmp, APP, STREAM));
        }
        // players on both edges: the origins see exactly one upstream connection per edge
        assertTrue(TestSupport.await(Duration.ofSeconds(15), () -> edges.stream().allMatch(SeedNode::publishing)),
                "both edges pull the stream");
        assertStableUpstreams(List.of(masterA, masterB, slaveA, slaveB), 2, "two edges with players");
        awaitPlayed(plays, 4.0);
        step("RTMP from both slaves and both edges, HTTP-FLV through nginx: played");

        // 3. HLS through nginx for 30 s, nginx spreading the requests over both edges
        awaitHlsOnBothEdges(edges);
        long accessLogStart = Files.exists(base.resolve("nginx/access.log")) ? Files.size(base.resolve("nginx/access.log")) : 0;
        long hlsStart = System.nanoTime();
        Process hls = track(Ffmpeg.start(media.resolve("hls-nginx.log"), "ffmpeg", "-nostdin", "-v", "error", "-re",
                "-live_start_index", "-1", "-i", viaNginx + ".m3u8", "-t", "30", "-f", "null", "-"));
        assertEquals(0, Ffmpeg.waitFor(hls, 75), "HLS through nginx\n" + Ffmpeg.read(media.resolve("hls-nginx.log")));
        long hlsSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - hlsStart);
        assertEquals("", Ffmpeg.read(media.resolve("hls-nginx.log")).strip(), "30 s of HLS through nginx without errors");
        assertTrue(hlsSeconds >= 29, "the HLS player played in real time: " + hlsSeconds + " s");
        Set<String> hlsUpstreams = upstreams(accessLogStart, line -> line.contains(".m3u8") || line.contains(".ts"));
        assertTrue(hlsUpstreams.containsAll(List.of(A + ":8182", B + ":8182")),
                "nginx sent the HLS player's requests to both edges: " + hlsUpstreams + "\n" + accessLog(accessLogStart));
        step("HLS through nginx for " + hlsSeconds + " s, upstreams " + hlsUpstreams);
        closePlayers();

        // 4. kill the master holding the stream: a new publish through haproxy lands on the other one
        holder.kill();
        Ffmpeg.stop(pub1);
        step("killed " + holder + " (SIGKILL)");
        Process pub2 = track(Ffmpeg.publish(viaHaproxy, 600, media.resolve("publish-2.log")));
        assertTrue(TestSupport.await(Duration.ofSeconds(30), other::publishing),
                "the new publish through haproxy lands on " + other + "\n" + Ffmpeg.read(media.resolve("publish-2.log")));
        step("republish through haproxy landed on " + other);
        for (SeedNode s : slaves) {
            assertTrue(TestSupport.await(Duration.ofSeconds(15), s::publishing), other + " forwards to " + s);
        }
        plays.clear();
        for (SeedNode n : List.of(slaveA, slaveB, edgeA, edgeB)) {
            plays.put(n.name() + "-2", track(Ffmpeg.record(n.rtmpUrl(), 5, media.resolve("play-" + n.name() + "-2.flv"),
                    media.resolve("play-" + n.name() + "-2.log"))));
        }
        plays.put("nginx-flv-2", track(Ffmpeg.record(viaNginx + ".flv", 5, media.resolve("play-nginx-flv-2.flv"),
                media.resolve("play-nginx-flv-2.log"))));
        awaitPlayed(plays, 4.0);
        step("after the failover: slaves, edges and nginx serve the stream again");
        // edge B keeps its pull (and HLS) for the next step
        keep(RtmpTestPlayer.start(edgeB.host, edgeB.rtmp, APP, STREAM));

        // 5. kill edge A: nginx serves HTTP-FLV and HLS from edge B. Meanwhile 50 players on edge B alone:
        // the origins see exactly one upstream connection, edge B's
        edgeA.kill();
        step("killed " + edgeA + " (SIGKILL)");
        plays.clear();
        plays.put("nginx-flv-3", track(Ffmpeg.record(viaNginx + ".flv", 5, media.resolve("play-nginx-flv-3.flv"),
                media.resolve("play-nginx-flv-3.log"))));
        HlsTestPoller nginxHls = keep(HlsTestPoller.start(viaNginx + ".m3u8"));
        fiftyPlayersOnOneEdge(edgeB, List.of(other, slaveA, slaveB));
        awaitPlayed(plays, 4.0);
        assertTrue(TestSupport.await(Duration.ofSeconds(30), () -> nginxHls.segments() >= 2),
                "HLS through nginx with edge A dead: " + nginxHls);
        assertEquals(List.of(), nginxHls.errors(), "HLS through nginx with edge A dead: " + nginxHls);
        step("with " + edgeA + " dead nginx serves HTTP-FLV and HLS (" + nginxHls.segments() + " segments) from " + edgeB);
        closePlayers();

        // 6. restart the killed nodes with the same command: they serve again
        holder.start();
        edgeA.start();
        holder.waitUntilListening(Duration.ofSeconds(90));
        edgeA.waitUntilListening(Duration.ofSeconds(90));
        step("restarted " + holder + " and " + edgeA);
        plays.clear();
        plays.put("restarted-edge", track(Ffmpeg.record(edgeA.rtmpUrl(), 5, media.resolve("play-restarted-edge.flv"),
                media.resolve("play-restarted-edge.log"))));
        // the restarted master takes a publish again and forwards it to the slaves
        String second = "rtmp://" + holder.host + ":" + holder.rtmp + "/" + APP + "/" + STREAM + "-again";
        track(Ffmpeg.publish(second, 60, media.resolve("publish-restarted-master.log")));
        TestSupport.sleep(1500);
        plays.put("restarted-master", track(Ffmpeg.record(second, 4, media.resolve("play-restarted-master.flv"),
                media.resolve("play-restarted-master.log"))));
        plays.put("restarted-master-forward", track(Ffmpeg.record(
                "rtmp://" + slaveB.host + ":" + slaveB.rtmp + "/" + APP + "/" + STREAM + "-again", 4,
                media.resolve("play-restarted-master-forward.flv"), media.resolve("play-restarted-master-forward.log"))));
        awaitPlayed(plays, 3.0);
        Ffmpeg.stop(pub2);
        step("the restarted edge and master serve again");
    }

    /** 30 in-process RTMP players, 10 HTTP-FLV ffmpeg (5 s) and 10 HLS pollers on one edge; one upstream. */
    private void fiftyPlayersOnOneEdge(SeedNode edge, List<SeedNode> liveOrigins) throws Exception {
        List<RtmpTestPlayer> rtmp = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rtmp.add(keep(RtmpTestPlayer.start(edge.host, edge.rtmp, APP, STREAM)));
        }
        Map<String, Process> flv = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            Path log = media.resolve("fifty-flv-" + i + ".log");
            flv.put(log.toString(), track(Ffmpeg.start(log, "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-rw_timeout", "15000000", "-i", edge.httpUrl(".flv"), "-t", "5", "-c", "copy", "-f", "null", "-")));
        }
        List<HlsTestPoller> hls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hls.add(keep(HlsTestPoller.start(edge.httpUrl(".m3u8"))));
        }
        assertTrue(TestSupport.await(Duration.ofSeconds(15), () -> rtmp.stream().allMatch(p -> p.videoFrames() > 0)),
                "the 30 RTMP players on " + edge + " receive video: " + rtmp);
        int most = 0;
        List<Integer> upstreams = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < end) {
            most = Math.max(most, edge.players());
            upstreams.add(liveOrigins.stream().mapToInt(SeedNode::players).sum());
            TestSupport.sleep(300);
        }
        assertTrue(most >= 40, "the edge's API counts its 30 RTMP and 10 HTTP-FLV players: at most " + most);
        assertTrue(upstreams.stream().allMatch(n -> n == 1),
                "the origins " + liveOrigins + " see exactly one upstream connection (from " + edge + "), sampled: " + upstreams);
        for (Map.Entry<String, Process> e : flv.entrySet()) {
            assertEquals(0, Ffmpeg.waitFor(e.getValue(), 30), "HTTP-FLV player\n" + Ffmpeg.read(Path.of(e.getKey())));
        }
        assertTrue(TestSupport.await(Duration.ofSeconds(25), () -> hls.stream().allMatch(p -> p.segments() >= 1)),
                "the 10 HLS pollers on " + edge + " fetch segments: " + hls);
        for (HlsTestPoller p : hls) {
            assertEquals(List.of(), p.errors(), p.toString());
        }
        for (RtmpTestPlayer p : rtmp) {
            assertEquals(null, p.problem(), p.toString());
            assertTrue(p.audioFrames() > 0, p.toString());
        }
        upstreams.add(liveOrigins.stream().mapToInt(SeedNode::players).sum());
        assertEquals(1, upstreams.get(upstreams.size() - 1), "still one upstream connection at the end: " + upstreams);
        step("50 players on " + edge + " (30 RTMP, 10 HTTP-FLV, 10 HLS; the edge counted " + most
                + "): the origins saw one upstream connection, sampled " + upstreams);
    }

    /** Sampled for 2 s: the origins' play clients of the stream always add up to {@code expected}. */
    private void assertStableUpstreams(List<SeedNode> origins, int expected, String what) {
        List<Integer> samples = new ArrayList<>();
        boolean reached = TestSupport.await(Duration.ofSeconds(10),
                () -> origins.stream().mapToInt(SeedNode::players).sum() == expected);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end) {
            samples.add(origins.stream().mapToInt(SeedNode::players).sum());
            TestSupport.sleep(250);
        }
        assertTrue(reached && samples.stream().allMatch(n -> n == expected), what + ": the origins " + origins
                + " see exactly " + expected + " upstream connection(s) for the stream, sampled " + samples);
        step(what + ": " + expected + " upstream connection(s) on the origins, sampled " + samples);
    }

    /** Until both edges list at least two segments and agree on the newest one (same cuts, same names). */
    private void awaitHlsOnBothEdges(List<SeedNode> edges) {
        Map<String, String> last = new LinkedHashMap<>();
        boolean ok = TestSupport.await(Duration.ofSeconds(60), () -> {
            last.clear();
            for (SeedNode e : edges) {
                try {
                    TestSupport.HttpResult r = TestSupport.httpGet(e.httpUrl(".m3u8"), null, null);
                    List<String> segs = r.status() != 200 ? List.of()
                            : r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
                    last.put(e.name(), segs.size() < 2 ? "(" + segs.size() + " segments)" : segs.get(segs.size() - 1));
                } catch (IOException ex) {
                    last.put(e.name(), ex.toString());
                }
            }
            return last.values().stream().distinct().count() == 1 && last.values().iterator().next().endsWith(".ts");
        });
        assertTrue(ok, "both edges segment the stream alike (newest segment per edge): " + last);
        step("both edges' HLS playlists end with " + last.values().iterator().next());
    }

    private void awaitPlayed(Map<String, Process> plays, double minSeconds) throws Exception {
        for (Map.Entry<String, Process> e : plays.entrySet()) {
            Path log = media.resolve("play-" + e.getKey() + ".log");
            assertEquals(0, Ffmpeg.waitFor(e.getValue(), 45), e.getKey() + "\n" + Ffmpeg.read(log));
            Ffmpeg.assertPlayable(media.resolve("play-" + e.getKey() + ".flv"), minSeconds, log);
        }
    }

    private static <T> T awaitOne(List<T> candidates, Predicate<T> test, Duration timeout, String what) {
        List<T> found = new ArrayList<>();
        TestSupport.await(timeout, () -> {
            found.clear();
            candidates.stream().filter(test).forEach(found::add);
            return !found.isEmpty();
        });
        assertEquals(1, found.size(), what + ": " + found);
        return found.get(0);
    }

    // ---- setting up: ports, configs, processes ----

    private void prepare() throws Exception {
        for (String tool : List.of("ffmpeg", "ffprobe", "haproxy", "nginx")) {
            assertNotNull(executable(tool), tool + " is not installed: run .ci/install-deps.sh (Debian packages ffmpeg, haproxy, nginx)");
        }
        nodes.put("A-slave", new SeedNode(A, "slave", 1946, 1996, 8181));
        nodes.put("A-master", new SeedNode(A, "master", 1945, 1995, 8180));
        nodes.put("A-edge", new SeedNode(A, "edge", 1947, 1997, 8182));
        nodes.put("B-slave", new SeedNode(B, "slave", 1946, 1996, 8181));
        nodes.put("B-master", new SeedNode(B, "master", 1945, 1995, 8180));
        nodes.put("B-edge", new SeedNode(B, "edge", 1947, 1997, 8182));
        List<String> taken = new ArrayList<>();
        if (!free(A, HAPROXY_PORT)) {
            taken.add(A + ":" + HAPROXY_PORT + " (haproxy)");
        }
        for (SeedNode n : nodes.values()) {
            for (int port : new int[] {n.rtmp, n.api, n.http}) {
                if (!free(n.host, port)) {
                    taken.add(n.host + ":" + port + " (" + n.name() + ")");
                }
            }
        }
        if (!taken.isEmpty()) {
            fail("the seed cluster needs its ports, but these are taken (another node, an SRS, a haproxy?): " + taken);
        }
        deleteTree(base);
        Files.createDirectories(media);
        Path seed = seedDir();
        for (SeedNode n : nodes.values()) {
            Files.createDirectories(n.dir.resolve("conf"));
            Files.writeString(n.dir.resolve("conf/" + n.role + ".conf"), mapHosts(Files.readString(seed.resolve(n.role + ".conf"))));
        }
        // the seed's order on each host: slave, master, edge
        for (SeedNode n : nodes.values()) {
            n.start();
        }
        for (SeedNode n : nodes.values()) {
            n.waitUntilListening(Duration.ofSeconds(120));
        }
        step("six nodes listening");
        startHaproxy(seed);
        startNginx(seed);
        step("haproxy on " + A + ":" + HAPROXY_PORT + ", nginx on " + A + ":" + nginxPort);
    }

    /** The seed's addresses of A and B replaced by 127.0.0.1 and 127.0.0.2; nothing else changed. */
    static String mapHosts(String text) {
        return text.replace(SEED_A, A).replace(SEED_B, B);
    }

    private static Path seedDir() {
        String d = System.getProperty("fluvia.config.seed", "../bundles/org.fluvia.config/src/test/resources/seed");
        Path p = Path.of(d).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p.resolve("master.conf")), "the seed configs at " + p);
        return p;
    }

    /**
     * The seed's haproxy.cfg, hosts mapped, run in the foreground by a normal user: without the
     * global lines that need root or a system daemon (chroot, user, group, daemon, pidfile, stats
     * socket), bound to 127.0.0.1:1935 instead of *:1935.
     */
    static String haproxyConfig(String seedText) {
        StringBuilder b = new StringBuilder();
        for (String line : mapHosts(seedText).split("\n", -1)) {
            String t = line.trim();
            if (t.startsWith("chroot") || t.startsWith("pidfile") || t.startsWith("user ") || t.startsWith("group ")
                    || t.equals("daemon") || t.startsWith("stats socket")) {
                b.append("    # (seed, needs root or a system daemon) ").append(t).append('\n');
                continue;
            }
            b.append(line.replace("bind *:" + HAPROXY_PORT, "bind " + A + ":" + HAPROXY_PORT)).append('\n');
        }
        return b.toString();
    }

    private void startHaproxy(Path seed) throws Exception {
        Path dir = base.resolve("haproxy");
        Files.createDirectories(dir);
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, haproxyConfig(Files.readString(seed.resolve("haproxy.cfg"))));
        haproxy = track(new ProcessBuilder(executable("haproxy"), "-db", "-f", cfg.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
        waitForListener(haproxy, A, HAPROXY_PORT, dir.resolve("haproxy.log"));
    }

    /**
     * The seed's nginx.conf, hosts mapped, in a prefix of its own: in the foreground, one process,
     * every log and temp path inside the prefix, the access log with {@code $upstream_addr}, and
     * {@code listen 127.0.0.1:PORT} instead of {@code listen 80}.
     */
    static String nginxConfig(String seedText, Path dir, int port) {
        String d = dir.toString();
        String http = "http {\n"
                + "    log_format seed '$remote_addr [$time_local] \"$request\" $status $body_bytes_sent"
                + " upstream=$upstream_addr upstream_status=$upstream_status';\n"
                + "    access_log " + d + "/access.log seed;\n"
                + "    client_body_temp_path " + d + "/tmp/client_body;\n"
                + "    proxy_temp_path " + d + "/tmp/proxy;\n"
                + "    fastcgi_temp_path " + d + "/tmp/fastcgi;\n"
                + "    uwsgi_temp_path " + d + "/tmp/uwsgi;\n"
                + "    scgi_temp_path " + d + "/tmp/scgi;\n";
        String mapped = mapHosts(seedText);
        if (!mapped.contains("http {") || !mapped.contains("listen       80;")) {
            throw new IllegalStateException("the seed's nginx.conf changed: no 'http {' or 'listen       80;'");
        }
        return "daemon off;\nmaster_process off;\npid " + d + "/nginx.pid;\nerror_log " + d + "/error.log;\n"
                + mapped.replace("http {\n", http).replace("listen       80;", "listen       " + A + ":" + port + ";");
    }

    private void startNginx(Path seed) throws Exception {
        Path dir = base.resolve("nginx");
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("servers"));
        Files.createDirectories(dir.resolve("html"));
        Path mime = Path.of("/etc/nginx/mime.types");
        Files.writeString(dir.resolve("mime.types"), Files.exists(mime) ? Files.readString(mime)
                : "types {\n    text/html html;\n    video/x-flv flv;\n    application/vnd.apple.mpegurl m3u8;\n    video/mp2t ts;\n}\n");
        nginxPort = TestSupport.freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, nginxConfig(Files.readString(seed.resolve("nginx.conf")).replace("\r\n", "\n"), dir, nginxPort));
        nginx = track(new ProcessBuilder(executable("nginx"), "-p", dir + "/", "-c", conf.toString(), "-e",
                dir.resolve("error.log").toString()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
        waitForListener(nginx, A, nginxPort, dir.resolve("error.log"));
    }

    private static void waitForListener(Process p, String host, int port, Path log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail(p.info().command().orElse("?") + " exited with " + p.exitValue() + "\n" + Ffmpeg.read(log));
            }
            if (TestSupport.waitForTcp(host, port, Duration.ofMillis(200))) {
                return;
            }
        }
        fail("nothing listens on " + host + ":" + port + "\n" + Ffmpeg.read(log));
    }

    private static boolean free(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String executable(String name) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** The upstream addresses in nginx's access log after {@code from} bytes, of the lines that match. */
    private Set<String> upstreams(long from, Predicate<String> lines) {
        Set<String> r = new LinkedHashSet<>();
        Pattern p = Pattern.compile("upstream=(\\S+)");
        for (String line : accessLog(from).split("\n")) {
            if (!lines.test(line)) {
                continue;
            }
            Matcher m = p.matcher(line);
            if (m.find()) {
                for (String a : m.group(1).split(",")) {
                    r.add(a.trim());
                }
            }
        }
        return r;
    }

    private String accessLog(long from) {
        try {
            byte[] all = Files.readAllBytes(base.resolve("nginx/access.log"));
            return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no access log: " + e + ")";
        }
    }

    // ---- bookkeeping ----

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    private <T extends AutoCloseable> T keep(T player) {
        players.add(player);
        return player;
    }

    private void closePlayers() throws Exception {
        for (AutoCloseable p : players) {
            p.close();
        }
        players.clear();
    }

    private void step(String what) {
        String line = String.format("[seed-cluster +%5.1fs] %s", (System.nanoTime() - t0) / 1e9, what);
        System.out.println(line);
        try {
            Files.createDirectories(base);
            Files.writeString(base.resolve("steps.log"), line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the console line is enough
        }
    }

    /** Players, ffmpeg, nginx, haproxy, then the nodes (edges, masters, slaves): every one by its handle. */
    private void stopEverything() throws Exception {
        try {
            closePlayers();
        } finally {
            for (Process p : processes) {
                if (p != haproxy && p != nginx) {
                    Ffmpeg.stop(p);
                }
            }
            Ffmpeg.stop(nginx);
            Ffmpeg.stop(haproxy);
            List<String> unclean = new ArrayList<>();
            List<SeedNode> order = new ArrayList<>(nodes.values());
            order.sort(Comparator.comparingInt(n -> List.of("edge", "master", "slave").indexOf(n.role)));
            for (SeedNode n : order) {
                for (FluviaNode f : n.instances) {
                    boolean wasAlive = f.isAlive();
                    int code = f.stop();
                    if (wasAlive && code != 0) {
                        unclean.add(n.name() + " exited with " + code);
                    }
                }
            }
            assertEquals(List.of(), unclean, "every running node stops cleanly on SIGTERM");
        }
    }

    /** After a pass: the framework caches and media go, the logs stay. */
    private void cleanUpBulk() throws IOException {
        for (SeedNode n : nodes.values()) {
            deleteTree(n.dir.resolve("cache"));
            deleteTree(n.dir.resolve("objs/nginx"));
        }
        deleteTree(base.resolve("nginx/tmp"));
        try (Stream<Path> s = Files.list(media)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".flv")).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
