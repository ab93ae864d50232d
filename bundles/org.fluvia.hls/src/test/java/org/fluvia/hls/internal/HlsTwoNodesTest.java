package org.fluvia.hls.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.OnDemandProvider;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.rtmp.client.MediaListener;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.fluvia.testkit.Components;
import org.fluvia.testkit.Ffmpeg;
import org.fluvia.testkit.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The seed's nginx spreads one player's requests over several edges: two nodes muxing the same
 * stream, the second joining 15 s later, must list the same segments with the same bytes, and a
 * player going through a round-robin nginx must play without error.
 */
class HlsTwoNodesTest {

    @TempDir
    Path dir;

    /** Node B's source: pulls the stream from node A over RTMP when a reader asks for it (an edge, in small). */
    static final class PullFromOrigin implements OnDemandProvider {
        private final RtmpClient client;
        private final String originUrl;
        final AtomicReference<RtmpClientSession> session = new AtomicReference<>();
        private volatile Publication publication;

        PullFromOrigin(RtmpClient client, String originUrl) {
            this.client = client;
            this.originUrl = originUrl;
        }

        @Override
        public synchronized boolean provide(StreamKey key, StreamRegistry registry) {
            if (session.get() != null || publication != null) {
                return true;
            }
            try {
                publication = registry.publish(key, SourceKind.PULL, "test pull from " + originUrl);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            client.play(originUrl, new MediaListener() {
                @Override
                public void onMedia(MediaMessage message) {
                    publication.publish(message);
                }
            }).thenAccept(session::set);
            return true;
        }

        void close() {
            RtmpClientSession s = session.get();
            if (s != null) {
                s.close();
            }
            if (publication != null) {
                publication.close();
            }
        }
    }

    private static List<String> segments(String playlist) {
        List<String> names = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.trim());
            }
        }
        return names;
    }

    private static Process startNginx(Path conf, Path prefix) throws IOException {
        return new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", conf.toString(), "-e", prefix.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
    }

    private static void waitForPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("nothing listens on " + port);
    }

    @Test
    void secondNodeListsTheSameSegmentsAndARoundRobinPlayerPlays() throws Exception {
        Path dirA = Files.createDirectories(dir.resolve("a"));
        Path dirB = Files.createDirectories(dir.resolve("b"));
        Map<String, Object> hls = Map.of("hls__fragment", 2.0, "hls__window", 12.0);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Process publisher = null;
        Process nginx = null;
        Process player = null;
        PullFromOrigin pull = null;
        try (HlsNode a = new HlsNode(dirA, hls); HlsNode b = new HlsNode(dirB, hls)) {
            publisher = Ffmpeg.publish(a.rtmpUrl("live", "cam"), 50, dir.resolve("publish.log"));
            Thread.sleep(15_000);
            assertTrue(Files.exists(dirA.resolve("live/cam.m3u8")), "node A segments the published stream");

            // Node B lacks the stream: the first playlist request asks its provider, which pulls from A.
            pull = new PullFromOrigin(new RtmpClient(group, NioSocketChannel.class), a.rtmpUrl("live", "cam"));
            Components.call(b.hub, "addProvider", pull);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // The request waits (bounded by the HLS route) for the pull's first segment; a busy machine may
            // need a second request, as a player would send.
            HttpResponse<String> first = null;
            for (int attempt = 0; attempt < 3 && (first == null || first.statusCode() != 200); attempt++) {
                first = http.send(HttpRequest.newBuilder(URI.create(b.httpUrl("/live/cam.m3u8")))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            }
            assertEquals(200, first.statusCode(), "node B serves a playlist once its pull started: " + first.body());

            // A player whose requests nginx spreads over both nodes, as in the seed.
            int nginxPort = Ports.freePort();
            Path prefix = Files.createDirectories(dir.resolve("nginx"));
            Files.createDirectories(prefix.resolve("logs"));
            Path conf = prefix.resolve("nginx.conf");
            Files.writeString(conf, "daemon off; master_process off; worker_processes 1; pid " + prefix.resolve("nginx.pid") + ";\n"
                    + "error_log " + prefix.resolve("error.log") + " info;\n"
                    + "events { worker_connections 256; }\n"
                    + "http { access_log " + prefix.resolve("access.log") + ";\n"
                    + "  client_body_temp_path " + prefix.resolve("tmp-body") + "; proxy_temp_path " + prefix.resolve("tmp-proxy") + ";\n"
                    + "  fastcgi_temp_path " + prefix.resolve("tmp-fcgi") + "; uwsgi_temp_path " + prefix.resolve("tmp-uwsgi") + "; scgi_temp_path " + prefix.resolve("tmp-scgi") + ";\n"
                    + "  upstream fluvia { server 127.0.0.1:" + a.httpPort + "; server 127.0.0.1:" + b.httpPort + "; }\n"
                    + "  server { listen 127.0.0.1:" + nginxPort + "; location / { proxy_pass http://fluvia; add_header Cache-Control no-cache; } }\n"
                    + "}\n");
            nginx = startNginx(conf, prefix);
            waitForPort(nginxPort);
            Thread.sleep(6_000); // let node B build a window of its own
            Path playLog = dir.resolve("player.log");
            player = Ffmpeg.decode("http://127.0.0.1:" + nginxPort + "/live/cam.m3u8", 16, playLog);
            assertEquals(0, Ffmpeg.waitFor(player, 60), Ffmpeg.read(playLog));
            assertEquals("", Ffmpeg.read(playLog).trim(), "no decode error through the round-robin proxy");
            String access = Files.readString(prefix.resolve("access.log"));
            assertTrue(access.lines().filter(l -> l.contains(".ts")).count() >= 4, "the player fetched segments:\n" + access);

            // Same names, same bytes, wherever they overlap.
            String playlistA = Files.readString(dirA.resolve("live/cam.m3u8"));
            String playlistB = Files.readString(dirB.resolve("live/cam.m3u8"));
            Set<String> common = new LinkedHashSet<>(segments(playlistB));
            common.retainAll(segments(playlistA));
            assertTrue(common.size() >= 3, "the windows overlap by several segments:\nA:\n" + playlistA + "\nB:\n" + playlistB);
            for (String name : common) {
                byte[] segA = Files.readAllBytes(dirA.resolve("live").resolve(name));
                byte[] segB = Files.readAllBytes(dirB.resolve("live").resolve(name));
                assertArrayEquals(segA, segB, "segment " + name + " differs between the nodes");
            }
            List<String> namesB = segments(playlistB);
            List<String> namesA = segments(playlistA);
            // Either node may be one segment ahead of the other at the moment both files are read.
            int start = namesA.indexOf(namesB.get(0));
            assertTrue(start >= 0, "B's oldest segment is in A's window:\nA: " + namesA + "\nB: " + namesB);
            int n = Math.min(namesA.size() - start, namesB.size()) - 1;
            assertTrue(n >= 2);
            assertEquals(namesA.subList(start, start + n), namesB.subList(0, n), "B lacks only A's oldest segments");
        } finally {
            Ffmpeg.stop(player);
            Ffmpeg.stop(publisher);
            if (nginx != null) {
                nginx.destroy();
                nginx.waitFor(5, TimeUnit.SECONDS);
            }
            if (pull != null) {
                pull.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
