package org.fluvia.http.server.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpBadInputTest {

    private static final String SECRET = "root:x:0:0:SECRET-OUTSIDE-DIR";

    @TempDir
    Path tmp;

    private Path www;

    private TestServer server(Map<String, Object> extra) throws Exception {
        www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(tmp.resolve("passwd"), SECRET);
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("etc/passwd"), SECRET);
        Files.writeString(www.resolve("inside.txt"), "inside");
        Map<String, Object> cfg = new java.util.HashMap<>(extra);
        cfg.put("dir", www.toString());
        return new TestServer(cfg);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/x.y\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"})
    void malformedRequestIsRefusedWith400AndClosed(String request) throws Exception {
        try (TestServer s = server(Map.of()); RawClient c = s.client()) {
            c.send(request);
            RawClient.Response r = c.read(false);
            assertEquals(400, r.status(), request);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void oversizedUriIsRefusedWith414AndClosedAndLogged() throws Exception {
        try (TestServer s = server(Map.of("max__uri__length", 256)); RawClient c = s.client()) {
            c.send("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.Response r = c.read(false);
            assertEquals(414, r.status());
            assertEquals("*", r.header("access-control-allow-origin"));
            assertTrue(c.closedByServer());
            int localPort = c.socket().getLocalPort();
            assertTrue(TestServer.log().lines().anyMatch(l -> l.contains("client=") && l.contains(":" + localPort + "]")
                    && l.contains("414")), "the log names the client");
        }
    }

    @Test
    void oversizedHeadersAreRefusedWith431AndClosed() throws Exception {
        try (TestServer s = server(Map.of("max__header__size", 1024)); RawClient c = s.client()) {
            c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n");
            RawClient.Response r = c.read(false);
            assertEquals(431, r.status());
            assertTrue(c.closedByServer());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../passwd", "/../etc/passwd", "/%2e%2e/passwd", "/%2E%2E/etc/passwd", "/..%2fpasswd",
            "/..%2Fetc%2Fpasswd", "/%2e%2e%5cpasswd", "/..\\passwd", "/.%2e/passwd", "/inside.txt%00/../../passwd",
            "/a/../../passwd", "//../passwd", "http://h/../passwd", "/link-file", "/link-dir/passwd", "/link-dir/etc/passwd"})
    void pathTraversalNeverReturnsAFileOutsideDir(String target) throws Exception {
        try (TestServer s = server(Map.of())) {
            Files.createSymbolicLink(www.resolve("link-file"), tmp.resolve("passwd"));
            Files.createSymbolicLink(www.resolve("link-dir"), tmp);
            try (RawClient c = s.client()) {
                c.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
                RawClient.Response r = c.read(false);
                assertTrue(r.status() == 400 || r.status() == 403 || r.status() == 404, target + " -> " + r.status());
                assertFalse(r.text().contains("SECRET"), target);
            }
            try (RawClient c = s.client()) {
                assertEquals("inside", c.get("/inside.txt").text(), "the server still serves");
            }
        }
    }

    @Test
    void symlinkInsideDirToAFileInsideIsServed() throws Exception {
        try (TestServer s = server(Map.of()); RawClient c = s.client()) {
            Files.createSymbolicLink(www.resolve("alias.txt"), www.resolve("inside.txt"));
            assertEquals("inside", c.get("/alias.txt").text());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%zz", "/a%2", "/a%", "/%C3%28", "/a?x=%zz"})
    void malformedPercentEncodingIs400(String target) throws Exception {
        try (TestServer s = server(Map.of()); RawClient c = s.client()) {
            c.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(400, c.read(false).status(), target);
        }
    }

    @Test
    void tenThousandRequestsForMissingFilesAre404OverKeepAliveConnections() throws Exception {
        try (TestServer s = server(Map.of())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            long start = System.nanoTime();
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        int notFound = 0;
                        try (RawClient c = s.client()) {
                            for (int i = 0; i < 2500; i++) {
                                RawClient.Response r = c.get("/live/missing-" + thread + "-" + i + ".ts");
                                if (r.status() == 404) {
                                    notFound++;
                                }
                            }
                        }
                        return notFound;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get(60, TimeUnit.SECONDS);
                }
                assertEquals(10_000, total);
            } finally {
                pool.shutdownNow();
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 30, "took " + seconds + " s");
        }
    }
}
