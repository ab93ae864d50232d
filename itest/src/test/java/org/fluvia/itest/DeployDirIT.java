package org.fluvia.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

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
 * The deploy directory (FileInstall): a {@code .config} file dropped in is applied live, and a
 * bundle jar dropped in is installed and started.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployDirIT extends TestSupport {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return originOptions();
    }

    private Path deployDir() {
        String dir = context.getProperty("felix.fileinstall.dir");
        assertNotNull("FileInstall watches a directory", dir);
        return Path.of(dir);
    }

    @Test
    public void aConfigFileDroppedInIsAppliedLive() throws Exception {
        int first = Integer.getInteger(RTMP_PORT_PROPERTY);
        assertTrue(waitForTcp("127.0.0.1", first, Duration.ofSeconds(10)));
        int second = freePort();
        Path tmp = deployDir().resolve("org.fluvia.rtmp.server.config.tmp");
        Files.writeString(tmp, "listen=[\"127.0.0.1:" + second + "\"]\nchunk_size=I\"60000\"\nmax_connections=I\"1000\"\n");
        Files.move(tmp, deployDir().resolve("org.fluvia.rtmp.server.config"), StandardCopyOption.ATOMIC_MOVE);
        assertTrue("the RTMP server moved to the port the dropped file names",
                waitForTcp("127.0.0.1", second, Duration.ofSeconds(20)));
        assertTrue("the old port closes", await(Duration.ofSeconds(10), () -> connectRefused("127.0.0.1", first)));
    }

    @Test
    public void aBundleDroppedInIsInstalledAndStarted() throws Exception {
        Bundle api = installedBundle(context, "org.fluvia.http.api");
        String jar = api.getLocation().replaceFirst("^file:", "");
        api.uninstall();
        assertTrue(await(Duration.ofSeconds(5), () -> java.util.Arrays.stream(context.getBundles())
                .noneMatch(b -> "org.fluvia.http.api".equals(b.getSymbolicName()))));
        Path tmp = deployDir().resolve("api.jar.tmp");
        Files.copy(Path.of(java.net.URI.create("file:" + jar)), tmp);
        Files.move(tmp, deployDir().resolve("org.fluvia.http.api.jar"), StandardCopyOption.ATOMIC_MOVE);
        assertTrue("FileInstall installs and starts the dropped bundle", await(Duration.ofSeconds(20),
                () -> java.util.Arrays.stream(context.getBundles())
                        .anyMatch(b -> "org.fluvia.http.api".equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE)));
        Bundle dropped = installedBundle(context, "org.fluvia.http.api");
        assertFalse(dropped.getLocation().equals(api.getLocation()));
        assertEquals(Bundle.ACTIVE, dropped.getState());
    }
}
