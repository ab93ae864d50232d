package org.fluvia.http.server.internal;

import io.netty.handler.codec.DateFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpStaticFilesTest {

    @TempDir
    Path dir;

    private TestServer server() throws Exception {
        return server(Map.of());
    }

    private TestServer server(Map<String, Object> extra) throws Exception {
        Map<String, Object> cfg = new java.util.HashMap<>(extra);
        cfg.put("dir", dir.toString());
        return new TestServer(cfg);
    }

    private byte[] file(String name, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return data;
    }

    @Test
    void aFileLookupThatTakesLongDoesNotHoldUpAnotherClientOnTheSameEventLoop() throws Exception {
        byte[] data = file("live/slow.ts", 1000);
        java.util.concurrent.CountDownLatch disk = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService lookups = java.util.concurrent.Executors.newSingleThreadExecutor();
        lookups.execute(() -> { // a disk that does not answer yet: lookups queue behind this
            try {
                disk.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Map<String, Object> cfg = Map.of("dir", dir.toString());
        try (TestServer s = new TestServer(cfg, Map.of("io__threads", 1), server -> server.newFileLookups = () -> lookups);
             RawClient slow = s.client(); RawClient other = s.client()) {
            s.addRoute(ex -> {
                if (!ex.path().equals("/hello")) {
                    return false;
                }
                ex.respond(io.netty.handler.codec.http.HttpResponseStatus.OK, "text/plain",
                        io.netty.buffer.Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8), null);
                return true;
            });
            slow.send("GET /live/slow.ts HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawClient.Response hello = other.get("/hello"); // the one event loop is free meanwhile
            assertEquals(200, hello.status());
            assertEquals("hi", hello.text());
            slow.socket().setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, () -> slow.read(false), "no answer before the disk's");
            disk.countDown();
            slow.socket().setSoTimeout(5000);
            RawClient.Response r = slow.read(false);
            assertEquals(200, r.status());
            assertArrayEquals(data, r.body());
        } finally {
            disk.countDown();
        }
    }

    @Test
    void pipelinedFileRequestsAreAnsweredInOrderAndOtherMethodsGet405ForAFileAnd404Elsewhere() throws Exception {
        byte[] a = file("live/a.ts", 3000);
        byte[] b = file("live/b.ts", 5000);
        try (TestServer s = server(); RawClient c = s.client()) {
            c.send("GET /live/a.ts HTTP/1.1\r\nHost: h\r\n\r\nGET /live/b.ts HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /live/none.ts HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.Response first = c.read(false);
            RawClient.Response second = c.read(false);
            RawClient.Response third = c.read(false);
            assertArrayEquals(a, first.body());
            assertArrayEquals(b, second.body());
            assertEquals(404, third.status());
            RawClient.Response post = c.request("POST", "/live/a.ts", "Content-Length: 0");
            assertEquals(405, post.status());
            assertEquals("GET, HEAD, OPTIONS", post.header("allow"));
            assertEquals(404, c.request("POST", "/live/none.ts", "Content-Length: 0").status());
            assertArrayEquals(a, c.get("/live/a.ts").body(), "the connection serves on");
        }
    }

    @Test
    void getServesTheFileWithLengthTypeAndLastModified() throws Exception {
        byte[] data = file("live/seg-1.ts", 10_000);
        long modified = 1_700_000_000_000L;
        Files.setLastModifiedTime(dir.resolve("live/seg-1.ts"), FileTime.fromMillis(modified));
        try (TestServer s = server(); RawClient c = s.client()) {
            RawClient.Response r = c.get("/live/seg-1.ts");
            assertEquals(200, r.status());
            assertArrayEquals(data, r.body());
            assertEquals("10000", r.header("content-length"));
            assertEquals("video/mp2t", r.header("content-type"));
            assertEquals(DateFormatter.format(new Date(modified)), r.header("last-modified"));
            assertEquals("bytes", r.header("accept-ranges"));
            assertEquals("*", r.header("access-control-allow-origin"));
        }
    }

    @Test
    void headSendsTheHeadersWithoutTheBody() throws Exception {
        file("a.mp4", 5000);
        try (TestServer s = server(); RawClient c = s.client()) {
            RawClient.Response r = c.request("HEAD", "/a.mp4");
            assertEquals(200, r.status());
            assertEquals("5000", r.header("content-length"));
            assertEquals("video/mp4", r.header("content-type"));
            // The next response on the connection starts right after the headers: no body was sent.
            assertEquals(5000, c.get("/a.mp4").body().length);
        }
    }

    @Test
    void rangesInAllThreeFormsGive206WithContentRange() throws Exception {
        byte[] data = file("v.flv", 1000);
        try (TestServer s = server(); RawClient c = s.client()) {
            RawClient.Response r = c.get("/v.flv", "Range: bytes=100-199");
            assertEquals(206, r.status());
            assertEquals("bytes 100-199/1000", r.header("content-range"));
            assertArrayEquals(Arrays.copyOfRange(data, 100, 200), r.body());

            r = c.get("/v.flv", "Range: bytes=900-");
            assertEquals(206, r.status());
            assertEquals("bytes 900-999/1000", r.header("content-range"));
            assertArrayEquals(Arrays.copyOfRange(data, 900, 1000), r.body());

            r = c.get("/v.flv", "Range: bytes=-10");
            assertEquals(206, r.status());
            assertEquals("bytes 990-999/1000", r.header("content-range"));
            assertArrayEquals(Arrays.copyOfRange(data, 990, 1000), r.body());

            r = c.get("/v.flv", "Range: bytes=950-5000");
            assertEquals("bytes 950-999/1000", r.header("content-range"), "end past the file is clamped");
            assertEquals(50, r.body().length);

            r = c.get("/v.flv", "Range: bytes=0-1,5-6");
            assertEquals(200, r.status(), "several ranges: the whole file");
            assertArrayEquals(data, r.body());
        }
    }

    @Test
    void unsatisfiableRangeGives416WithTheFileSize() throws Exception {
        file("v.flv", 1000);
        try (TestServer s = server(); RawClient c = s.client()) {
            for (String range : new String[]{"bytes=1000-", "bytes=5000-6000", "bytes=-0"}) {
                RawClient.Response r = c.get("/v.flv", "Range: " + range);
                assertEquals(416, r.status(), range);
                assertEquals("bytes */1000", r.header("content-range"), range);
            }
            assertEquals(200, c.get("/v.flv").status(), "connection still usable");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "a.flv, video/x-flv", "a.m3u8, application/vnd.apple.mpegurl", "a.ts, video/mp2t", "a.mp4, video/mp4",
            "a.html, text/html", "a.js, application/javascript", "a.css, text/css", "a.json, application/json",
            "a.xml, application/xml", "a.txt, text/plain", "a.png, image/png", "a.jpg, image/jpeg",
            "a.ico, image/x-icon", "a.bin, application/octet-stream", "noext, application/octet-stream"})
    void mimeTypeFollowsTheExtension(String name, String type) throws Exception {
        file(name, 10);
        try (TestServer s = server(); RawClient c = s.client()) {
            String contentType = c.get("/" + name).header("content-type");
            assertTrue(contentType.startsWith(type), name + " -> " + contentType);
        }
    }

    @Test
    void playlistIsNotCachedButSegmentsMayBe() throws Exception {
        Files.writeString(dir.resolve("live.m3u8"), "#EXTM3U\n");
        file("live-1.ts", 188);
        try (TestServer s = server(); RawClient c = s.client()) {
            RawClient.Response r = c.get("/live.m3u8");
            assertEquals("no-cache", r.header("cache-control"));
            assertEquals("#EXTM3U\n", r.text());
            assertNull(c.get("/live-1.ts").header("cache-control"));
        }
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        byte[] a = file("a.ts", 3000);
        byte[] b = file("b.ts", 4000);
        try (TestServer s = server(); RawClient c = s.client()) {
            assertArrayEquals(a, c.get("/a.ts").body());
            assertArrayEquals(b, c.get("/b.ts").body());
            // Pipelined as well.
            c.send("GET /b.ts HTTP/1.1\r\nHost: h\r\n\r\nGET /a.ts HTTP/1.1\r\nHost: h\r\n\r\n");
            assertArrayEquals(b, c.read(false).body());
            assertArrayEquals(a, c.read(false).body());
            assertEquals(1, s.server.connectionCount());
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
        file("a.ts", 100);
        try (TestServer s = server(); RawClient c = s.client()) {
            c.send("GET /a.ts HTTP/1.0\r\n\r\n");
            assertEquals(100, c.read(false).body().length);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void directoryServesItsIndexHtmlOrNothing() throws Exception {
        Files.createDirectories(dir.resolve("players"));
        Files.createDirectories(dir.resolve("live"));
        Files.writeString(dir.resolve("players/index.html"), "<h1>players</h1>");
        Files.writeString(dir.resolve("live/x.ts"), "x");
        try (TestServer s = server(); RawClient c = s.client()) {
            assertEquals("<h1>players</h1>", c.get("/players/").text());
            assertEquals("<h1>players</h1>", c.get("/players").text());
            RawClient.Response listing = c.get("/live/");
            assertEquals(404, listing.status());
            assertTrue(!listing.text().contains("x.ts"));
            assertEquals(404, c.get("/").status());
            assertEquals(404, c.get("/live/x.ts/").status());
        }
    }

    @Test
    void unchangedFileAnswers304ToIfModifiedSince() throws Exception {
        file("a.ts", 100);
        try (TestServer s = server(); RawClient c = s.client()) {
            String lastModified = c.get("/a.ts").header("last-modified");
            RawClient.Response r = c.get("/a.ts", "If-Modified-Since: " + lastModified);
            assertEquals(304, r.status());
            assertEquals(200, c.get("/a.ts", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT").status());
        }
    }

    @Test
    void postToAFileIs405() throws Exception {
        file("a.ts", 100);
        try (TestServer s = server(); RawClient c = s.client()) {
            c.send("POST /a.ts HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
            RawClient.Response r = c.read(false);
            assertEquals(405, r.status());
            assertTrue(r.header("allow").contains("GET"));
        }
    }

    @Test
    void bigFileIsSentCompletely() throws Exception {
        byte[] data = file("big.mp4", 12 * 1024 * 1024 + 7);
        try (TestServer s = server(); RawClient c = s.client()) {
            assertArrayEquals(data, c.get("/big.mp4").body());
            assertEquals("ok".getBytes(StandardCharsets.UTF_8).length, 2);
        }
    }

    @Test
    void clientThatStopsReadingIsDroppedAndHoldsNoMemory() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("huge.flv").toFile(), "rw")) {
            f.setLength(256L * 1024 * 1024); // sparse
        }
        try (TestServer s = server(Map.of("idle__timeout", 1)); RawClient c = s.client()) {
            c.socket().setReceiveBufferSize(4096);
            c.send("GET /huge.flv HTTP/1.1\r\nHost: h\r\n\r\n");
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (s.server.connectionCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(300);
            assertEquals(1, s.server.connectionCount(), "still sending");
            while (s.server.connectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, s.server.connectionCount(), "a stalled client must be dropped");
            assertTrue(TestServer.log().contains("stopped reading"));
        }
    }
}
