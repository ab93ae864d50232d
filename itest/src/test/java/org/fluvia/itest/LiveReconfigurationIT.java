package org.fluvia.itest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/** A configuration written through Configuration Admin (as the Web Console would) moves the RTMP listener live. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveReconfigurationIT extends TestSupport {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return originOptions();
    }

    @Test
    public void rtmpListenerMovesToTheNewlyConfiguredPort() throws Exception {
        int first = Integer.getInteger(RTMP_PORT_PROPERTY);
        assertTrue("listening on the configured port " + first, waitForTcp("127.0.0.1", first, Duration.ofSeconds(10)));

        int second = freePort();
        configure(context, "org.fluvia.rtmp.server", "listen", new String[] {"127.0.0.1:" + second});
        assertTrue("listening on the new port " + second, waitForTcp("127.0.0.1", second, Duration.ofSeconds(10)));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && waitForTcp("127.0.0.1", first, Duration.ofMillis(100))) {
            sleep(200);
        }
        assertFalse("the old port " + first + " is closed", waitForTcp("127.0.0.1", first, Duration.ofMillis(100)));
    }
}
