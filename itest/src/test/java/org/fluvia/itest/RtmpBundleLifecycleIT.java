package org.fluvia.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * The RTMP server bundle stopped and started ten times under a live publisher: each stop closes
 * the port, the last start serves publish and play again, and nothing is left behind (transport
 * threads, leaked buffers).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RtmpBundleLifecycleIT extends TestSupport {

    private static final String RTMP_BUNDLE = "org.fluvia.rtmp.server";
    private static final int CYCLES = 10;

    @Inject
    private BundleContext context;

    @Inject
    private StreamRegistry registry;

    @Configuration
    public Option[] config() {
        return originOptions();
    }

    @Test
    public void stopStartTenTimesClosesThePortEachTimeAndLeavesNothingBehind() throws Exception {
        int port = Integer.getInteger(RTMP_PORT_PROPERTY);
        String url = "rtmp://127.0.0.1:" + port + "/live/cycle";
        StreamKey key = new StreamKey(StreamKey.DEFAULT_VHOST, "live", "cycle");
        Path dir = Files.createTempDirectory("fluvia-itest-lifecycle");
        Bundle rtmp = installedBundle(context, RTMP_BUNDLE);
        List<Process> processes = new ArrayList<>();
        try (LeakWatch leaks = new LeakWatch()) {
            assertTrue("RTMP listens on " + port, waitForTcp("127.0.0.1", port, Duration.ofSeconds(10)));

            // a publisher and a player before the cycles
            Process pub = track(processes, Ffmpeg.publish(url, 60, dir.resolve("pub1.log")));
            awaitPublished(key, true, pub, dir.resolve("pub1.log"));
            Path before = dir.resolve("before.flv");
            Process player = track(processes, Ffmpeg.record(url, 5, before, dir.resolve("before.log")));
            assertEquals(Ffmpeg.read(dir.resolve("before.log")), 0, Ffmpeg.waitFor(player, 30));
            Ffmpeg.assertPlayable(before, 4.0, dir.resolve("before.log"));

            List<String> threadsBefore = liveThreads("fluvia-");
            Map<String, Integer> allBefore = threadGroups();
            assertTrue("the transport's event loops run: " + threadsBefore, !threadsBefore.isEmpty());

            for (int i = 1; i <= CYCLES; i++) {
                rtmp.stop();
                assertEquals("cycle " + i + ": stopped", Bundle.RESOLVED, rtmp.getState());
                // Bundle.stop() returns after the component deactivated: the port is closed by then
                assertTrue("cycle " + i + ": after stop, a connect to " + port + " is refused",
                        connectRefused("127.0.0.1", port));
                if (i == 1) {
                    assertTrue("the publisher's connection went with the server",
                            await(Duration.ofSeconds(10), () -> !isPublished(key)));
                }
                rtmp.start();
                assertEquals("cycle " + i + ": started", Bundle.ACTIVE, rtmp.getState());
                assertTrue("cycle " + i + ": after start, RTMP listens on " + port + " again",
                        waitForTcp("127.0.0.1", port, Duration.ofSeconds(10)));
            }
            Ffmpeg.stop(pub);

            // publish and play again after the last start
            Process pub2 = track(processes, Ffmpeg.publish(url, 30, dir.resolve("pub2.log")));
            awaitPublished(key, true, pub2, dir.resolve("pub2.log"));
            Path after = dir.resolve("after.flv");
            Process player2 = track(processes, Ffmpeg.record(url, 5, after, dir.resolve("after.log")));
            assertEquals(Ffmpeg.read(dir.resolve("after.log")), 0, Ffmpeg.waitFor(player2, 30));
            Ffmpeg.assertPlayable(after, 4.0, dir.resolve("after.log"));
            Ffmpeg.stop(pub2);
            assertTrue("the stream is unpublished when its publisher leaves",
                    await(Duration.ofSeconds(10), () -> !isPublished(key)));

            List<String> threadsAfter = liveThreads("fluvia-");
            Map<String, Integer> allAfter = threadGroups();
            System.out.println("threads before the cycles: " + allBefore + "\nthreads after the cycles:  " + allAfter);
            assertEquals("the transport's threads are shared, not made per server start", threadsBefore, threadsAfter);
            List<String> grown = new ArrayList<>();
            allAfter.forEach((name, n) -> {
                int was = allBefore.getOrDefault(name, 0);
                if (n - was >= Math.max(2, CYCLES / 2)) { // grew with the cycles: a thread per server start
                    grown.add(name + ": " + was + " -> " + n);
                }
            });
            assertEquals("thread groups that grew with the stop/start cycles", List.of(), grown);
            leaks.assertNoLeaks();
        } finally {
            for (Process p : processes) {
                Ffmpeg.stop(p);
            }
            if (rtmp.getState() != Bundle.ACTIVE) {
                rtmp.start();
            }
        }
    }

    private static Process track(List<Process> processes, Process p) {
        processes.add(p);
        return p;
    }

    private boolean isPublished(StreamKey key) {
        Stream s = registry.stream(key);
        return s != null && s.isPublished();
    }

    private void awaitPublished(StreamKey key, boolean published, Process publisher, Path log) {
        assertTrue("stream " + key + (published ? " published" : " unpublished") + "; publisher alive: "
                + publisher.isAlive() + "\n" + Ffmpeg.read(log),
                await(Duration.ofSeconds(15), () -> isPublished(key) == published));
    }

    /** Live threads by name without digits (so "fluvia-io-3-1" and "fluvia-io-3-2" count together). */
    private static Map<String, Integer> threadGroups() {
        Map<String, Integer> groups = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.getName().startsWith("process reaper")) { // the JDK's, for our ffmpeg processes
                groups.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        return groups;
    }
}
