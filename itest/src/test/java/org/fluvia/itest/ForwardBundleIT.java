package org.fluvia.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

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
 * An origin in Felix forwards to a second node (a separate Fluvia process): stopping the forward
 * bundle stops the push and leaves the origin's player alone; starting it resumes the push.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ForwardBundleIT extends TestSupport {

    private static final String DEST_RTMP = "fluvia.itest.dest.rtmp";
    private static final String DEST_API = "fluvia.itest.dest.api";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        int destRtmp = freePort();
        int destApi = freePort();
        return originOptions(rtmpPort -> "listen 127.0.0.1:" + rtmpPort + ";\n"
                        + "vhost __defaultVhost__ {\n    forward {\n        enabled on;\n        destination 127.0.0.1:" + destRtmp + ";\n    }\n}\n",
                systemProperty(DEST_RTMP).value(String.valueOf(destRtmp)),
                systemProperty(DEST_API).value(String.valueOf(destApi)));
    }

    /** Whether the destination's SRS API lists the stream as being published. */
    private static boolean destinationPublishes(int apiPort, String stream) {
        try {
            HttpResult r = httpGet("http://127.0.0.1:" + apiPort + "/api/v1/streams?count=100", null, null);
            String body = r.body().replace(" ", "");
            int at = body.indexOf("\"name\":\"" + stream + "\"");
            return r.status() == 200 && at >= 0 && body.indexOf("\"active\":true", at) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    public void stoppingTheForwardBundleStopsThePushAndLeavesThePlayerAlone() throws Exception {
        int destRtmp = Integer.getInteger(DEST_RTMP);
        int destApi = Integer.getInteger(DEST_API);
        int port = Integer.getInteger(RTMP_PORT_PROPERTY);
        Path dir = Files.createTempDirectory("fluvia-itest-forward");
        Path destConf = dir.resolve("dest.conf");
        Files.writeString(destConf, "listen 127.0.0.1:" + destRtmp + ";\n"
                + "http_api {\n    enabled on;\n    listen 127.0.0.1:" + destApi + ";\n}\n"
                + "vhost __defaultVhost__ { }\n");
        List<Process> processes = new ArrayList<>();
        try (LeakWatch leaks = new LeakWatch();
             FluviaNode dest = FluviaNode.start(dir.resolve("dest"), Map.of(), "-c", destConf.toString(), "--console", "off")) {
            dest.waitForPort("127.0.0.1", destApi, Duration.ofSeconds(20));
            String url = "rtmp://127.0.0.1:" + port + "/live/fwd";
            processes.add(Ffmpeg.publish(url, 90, dir.resolve("pub.log")));
            assertTrue("the origin forwards the published stream:\n" + dest.log(),
                    await(Duration.ofSeconds(20), () -> destinationPublishes(destApi, "fwd")));

            Path playerOut = dir.resolve("player.flv");
            processes.add(Ffmpeg.record(url, 0, playerOut, dir.resolve("player.log")));
            assertTrue(await(Duration.ofSeconds(15), () -> size(playerOut) > 50_000));

            Bundle forward = installedBundle(context, "org.fluvia.forward");
            forward.stop();
            assertTrue("the push stops with its bundle", await(Duration.ofSeconds(15), () -> !destinationPublishes(destApi, "fwd")));
            long before = size(playerOut);
            sleep(3000);
            assertTrue("the origin's player keeps receiving while forward is stopped", size(playerOut) > before + 50_000);

            forward.start();
            assertEquals(Bundle.ACTIVE, forward.getState());
            assertTrue("the push resumes when the bundle starts:\n" + dest.log(),
                    await(Duration.ofSeconds(20), () -> destinationPublishes(destApi, "fwd")));
            long again = size(playerOut);
            sleep(2000);
            assertTrue("the player still receives", size(playerOut) > again + 30_000);
            dest.assertNoLeaks();
        } finally {
            for (Process p : processes) {
                Ffmpeg.stop(p);
            }
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
