package org.fluvia.itest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HLS player without a decoder, in process: fetches the playlist every second and every segment
 * it newly lists (as a player does), and counts segments, bytes and errors. One thread each.
 */
final class HlsTestPoller implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final URI playlist;
    private final Thread thread;
    private volatile boolean closed;
    private final AtomicInteger segments = new AtomicInteger();
    private final AtomicInteger playlists = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();
    private volatile long bytes;

    private HlsTestPoller(URI playlist) {
        this.playlist = playlist;
        this.thread = new Thread(this::run, "hls-test-poller");
        this.thread.setDaemon(true);
    }

    static HlsTestPoller start(String url) {
        HlsTestPoller p = new HlsTestPoller(URI.create(url));
        p.thread.start();
        return p;
    }

    int segments() {
        return segments.get();
    }

    int playlists() {
        return playlists.get();
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    private synchronized void error(String e) {
        if (errors.size() < 20) {
            errors.add(e);
        }
    }

    @Override
    public String toString() {
        return "HlsTestPoller[" + playlist + " playlists=" + playlists + " segments=" + segments + " bytes=" + bytes
                + " errors=" + errors() + "]";
    }

    private void run() {
        Set<String> fetched = new HashSet<>();
        while (!closed) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(playlist).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    playlists.incrementAndGet();
                    for (String line : r.body().split("\n")) {
                        String l = line.trim();
                        if (l.isEmpty() || l.startsWith("#") || !fetched.add(l) || closed) {
                            continue;
                        }
                        HttpResponse<byte[]> s = HTTP.send(HttpRequest.newBuilder(playlist.resolve(l))
                                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (s.statusCode() == 200 && s.body().length > 0 && s.body()[0] == 0x47) {
                            segments.incrementAndGet();
                            bytes += s.body().length;
                        } else {
                            error(l + ": HTTP " + s.statusCode() + ", " + s.body().length + " bytes");
                        }
                    }
                } else if (playlists.get() > 0) {
                    error("playlist: HTTP " + r.statusCode());
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!closed) {
                    error(e.toString());
                    TestSupport.sleep(500);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5000);
    }
}
