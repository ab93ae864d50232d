package org.fluvia.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Hot deployment under load: with a publisher, an RTMP player and an HTTP-FLV player running,
 * stopping and starting the HLS or the HTTP-FLV bundle affects only what that bundle serves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployUnderLoadIT extends TestSupport {

    private static final String HTTP_PORT_PROPERTY = "fluvia.itest.http.port";
    private static final String HTML_PROPERTY = "fluvia.itest.html";
    private static final Pattern MEDIA_SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");

    @Inject
    private BundleContext context;

    @Inject
    private StreamRegistry registry;

    private final List<Process> processes = new ArrayList<>();

    @Configuration
    public Option[] config() {
        int httpPort = freePort();
        Path html;
        try {
            html = Files.createTempDirectory("fluvia-itest-html");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return originOptions(rtmpPort -> "listen 127.0.0.1:" + rtmpPort + ";\n"
                + "http_server {\n    enabled on;\n    listen 127.0.0.1:" + httpPort + ";\n    dir " + html + ";\n}\n"
                + "vhost __defaultVhost__ {\n"
                + "    http_remux {\n        enabled on;\n        mount [vhost]/[app]/[stream].flv;\n    }\n"
                + "    hls {\n        enabled on;\n        hls_fragment 2;\n        hls_window 6;\n        hls_path " + html + ";\n"
                + "        hls_m3u8_file [app]/[stream].m3u8;\n        hls_ts_file [app]/[stream]-[seq].ts;\n    }\n"
                + "}\n",
                systemProperty(HTTP_PORT_PROPERTY).value(String.valueOf(httpPort)),
                systemProperty(HTML_PROPERTY).value(html.toString()));
    }

    @Test
    public void stoppingHlsTakesItsUrlsAwayWhilePlayersContinueAndStartingItServesAFreshPlaylist() throws Exception {
        String name = "hls";
        Path dir = Files.createTempDirectory("fluvia-itest-hot-hls");
        Bundle hls = installedBundle(context, "org.fluvia.hls");
        String m3u8 = httpUrl("/live/" + name + ".m3u8");
        List<String> problems = new ArrayList<>();
        try (LeakWatch leaks = new LeakWatch()) {
            Path rtmpOut = dir.resolve("rtmp.flv");
            Path flvOut = dir.resolve("http.flv");
            startLoad(name, dir, rtmpOut, flvOut);

            HttpResult first = awaitPlaylist(m3u8, Duration.ofSeconds(20));
            assertEquals("the playlist is served while HLS runs: " + first.body(), 200, first.status());
            String segment = lastSegment(first.body());
            assertTrue("a segment in " + first.body(), segment != null);
            String segmentUrl = httpUrl("/live/" + segment);
            assertEquals("the segment " + segmentUrl + " is served while HLS runs", 200, httpGet(segmentUrl, null, null).status());

            hls.stop();
            assertEquals(Bundle.RESOLVED, hls.getState());
            HttpResult[] afterStop = new HttpResult[1];
            boolean gone = await(Duration.ofSeconds(5), () -> (afterStop[0] = get(m3u8)).status() == 404);
            if (!gone) {
                problems.add("with org.fluvia.hls stopped, " + m3u8 + " still answers " + afterStop[0].status()
                        + " (files on disk under " + System.getProperty(HTML_PROPERTY) + ": " + listing() + "):\n" + afterStop[0].body());
            }
            int segmentStatus = get(segmentUrl).status();
            if (segmentStatus != 404) {
                problems.add("with org.fluvia.hls stopped, its segment " + segmentUrl + " still answers " + segmentStatus);
            }
            String stale = get(m3u8).body();
            assertKeepsGrowing("the RTMP player, with HLS stopped", rtmpOut, dir.resolve("rtmp.log"));
            assertKeepsGrowing("the HTTP-FLV player, with HLS stopped", flvOut, dir.resolve("http.log"));
            sleep(2500); // a playlist that were still written would have moved on by now
            if (gone && get(m3u8).status() != 404) {
                problems.add("with org.fluvia.hls stopped, " + m3u8 + " came back");
            } else if (!gone && !stale.equals(get(m3u8).body())) {
                problems.add("with org.fluvia.hls stopped, " + m3u8 + " is still being updated");
            }

            hls.start();
            assertEquals(Bundle.ACTIVE, hls.getState());
            HttpResult[] fresh = new HttpResult[1];
            assertTrue("a fresh playlist after the restart (different from the one left at stop)",
                    await(Duration.ofSeconds(20), () -> {
                        fresh[0] = get(m3u8);
                        return fresh[0].status() == 200 && !fresh[0].body().equals(stale) && mediaSequence(fresh[0].body()) >= 0;
                    }));
            long seq = mediaSequence(fresh[0].body());
            long[] later = {seq};
            assertTrue("EXT-X-MEDIA-SEQUENCE advances from " + seq + " after the restart",
                    await(Duration.ofSeconds(20), () -> {
                        HttpResult r = get(m3u8);
                        later[0] = r.status() == 200 ? mediaSequence(r.body()) : -1;
                        return later[0] > seq;
                    }));
            System.out.println("HLS media sequence: before stop " + mediaSequence(first.body()) + ", first after restart "
                    + seq + ", then " + later[0]);
            String newSegment = lastSegment(get(m3u8).body());
            assertEquals("a new segment " + newSegment + " is served", 200, get(httpUrl("/live/" + newSegment)).status());
            assertKeepsGrowing("the RTMP player, after HLS restarted", rtmpOut, dir.resolve("rtmp.log"));
            assertKeepsGrowing("the HTTP-FLV player, after HLS restarted", flvOut, dir.resolve("http.log"));
            leaks.assertNoLeaks();
        } finally {
            stopAll();
            if (hls.getState() != Bundle.ACTIVE) {
                hls.start();
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    public void stoppingHttpFlvLeavesRtmpPlayersAloneAndStartingItServesNewRequests() throws Exception {
        String name = "flv";
        Path dir = Files.createTempDirectory("fluvia-itest-hot-flv");
        Bundle flv = installedBundle(context, "org.fluvia.http.flv");
        String flvUrl = httpUrl("/live/" + name + ".flv");
        try (LeakWatch leaks = new LeakWatch()) {
            Path rtmpOut = dir.resolve("rtmp.flv");
            Path flvOut = dir.resolve("http.flv");
            Process flvPlayer = startLoad(name, dir, rtmpOut, flvOut);

            flv.stop();
            assertEquals(Bundle.RESOLVED, flv.getState());
            assertTrue("the HTTP-FLV player's response ends when its bundle stops",
                    await(Duration.ofSeconds(10), () -> !flvPlayer.isAlive()));
            assertEquals("with org.fluvia.http.flv stopped, " + flvUrl + " answers 404", 404, get(flvUrl).status());
            assertKeepsGrowing("the RTMP player, with HTTP-FLV stopped", rtmpOut, dir.resolve("rtmp.log"));

            flv.start();
            assertEquals(Bundle.ACTIVE, flv.getState());
            Path again = dir.resolve("again.flv");
            Process player = track(Ffmpeg.record(flvUrl, 4, again, dir.resolve("again.log")));
            assertEquals(Ffmpeg.read(dir.resolve("again.log")), 0, Ffmpeg.waitFor(player, 30));
            Ffmpeg.assertPlayable(again, 3.0, dir.resolve("again.log"));
            assertKeepsGrowing("the RTMP player, after HTTP-FLV restarted", rtmpOut, dir.resolve("rtmp.log"));
            leaks.assertNoLeaks();
        } finally {
            stopAll();
            if (flv.getState() != Bundle.ACTIVE) {
                flv.start();
            }
        }
    }

    /** A publisher (60 s at most), an RTMP player and an HTTP-FLV player, both receiving; returns the HTTP-FLV player. */
    private Process startLoad(String name, Path dir, Path rtmpOut, Path flvOut) throws Exception {
        String rtmpUrl = "rtmp://127.0.0.1:" + Integer.getInteger(RTMP_PORT_PROPERTY) + "/live/" + name;
        StreamKey key = StreamKey.of("live", name);
        Process pub = track(Ffmpeg.publish(rtmpUrl, 60, dir.resolve("pub.log")));
        assertTrue("published\n" + Ffmpeg.read(dir.resolve("pub.log")), await(Duration.ofSeconds(15), () -> {
            Stream s = registry.stream(key);
            return s != null && s.isPublished();
        }));
        track(Ffmpeg.record(rtmpUrl, 0, rtmpOut, dir.resolve("rtmp.log")));
        Process flvPlayer = track(Ffmpeg.record(httpUrl("/live/" + name + ".flv"), 0, flvOut, dir.resolve("http.log")));
        assertKeepsGrowing("the RTMP player", rtmpOut, dir.resolve("rtmp.log"));
        assertKeepsGrowing("the HTTP-FLV player", flvOut, dir.resolve("http.log"));
        assertTrue("the publisher runs", pub.isAlive());
        return flvPlayer;
    }

    /** The file grows twice in a row within a second each time (a flushing ffmpeg recording that receives). */
    private static void assertKeepsGrowing(String what, Path file, Path log) {
        for (int i = 0; i < 2; i++) {
            long size = Ffmpeg.size(file);
            if (!await(Duration.ofSeconds(i == 0 ? 5 : 1), () -> Ffmpeg.size(file) > size)) {
                fail(what + " stopped receiving: " + file + " stays at " + size + " bytes\n" + Ffmpeg.read(log));
            }
            sleep(500);
        }
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    private void stopAll() throws InterruptedException {
        for (Process p : processes) {
            Ffmpeg.stop(p);
        }
        processes.clear();
    }

    private static String httpUrl(String path) {
        return "http://127.0.0.1:" + Integer.getInteger(HTTP_PORT_PROPERTY) + path;
    }

    private static HttpResult get(String url) {
        try {
            return httpGet(url, null, null);
        } catch (IOException e) {
            return new HttpResult(-1, e.toString());
        }
    }

    private static HttpResult awaitPlaylist(String url, Duration timeout) {
        HttpResult[] r = new HttpResult[1];
        await(timeout, () -> (r[0] = get(url)).status() == 200 && lastSegment(r[0].body()) != null);
        return r[0];
    }

    private static long mediaSequence(String playlist) {
        Matcher m = MEDIA_SEQUENCE.matcher(playlist);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The last segment URI of a playlist, relative to it; null when it lists none. */
    private static String lastSegment(String playlist) {
        String last = null;
        for (String line : playlist.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                last = line.strip();
            }
        }
        return last;
    }

    private static String listing() {
        try (var s = Files.walk(Path.of(System.getProperty(HTML_PROPERTY)))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
