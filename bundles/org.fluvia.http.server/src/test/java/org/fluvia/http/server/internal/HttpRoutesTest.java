package org.fluvia.http.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.http.server.HttpRoute;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpRoutesTest {

    /** Answers requests under {@code prefix} with {@code answer} and the path it saw. */
    static HttpRoute textRoute(String prefix, String answer) {
        return new HttpRoute() {
            @Override
            public boolean handle(HttpExchange ex) {
                if (!ex.path().startsWith(prefix)) {
                    return false;
                }
                ex.respond(HttpResponseStatus.OK, "text/plain", ByteBufUtil.writeUtf8(ex.ctx().alloc(), answer + " " + ex.path()), null);
                return true;
            }

            @Override
            public String toString() {
                return "textRoute(" + prefix + ")";
            }
        };
    }

    @Test
    void routeAnswersItsPath() throws Exception {
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(textRoute("/live/", "live"));
            RawClient.Response r = c.get("/live/cam.flv");
            assertEquals(200, r.status());
            assertEquals("live /live/cam.flv", r.text());
            assertEquals("text/plain", r.header("content-type"));
            assertEquals(404, c.get("/other").status());
        }
    }

    @Test
    void exchangeGivesDecodedPathParametersAndHost() throws Exception {
        AtomicReference<HttpExchange> seen = new AtomicReference<>();
        AtomicReference<String> summary = new AtomicReference<>();
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(ex -> {
                summary.set(ex.path() + "|" + ex.parameter("token") + "|" + ex.parameters().get("a") + "|" + ex.parameter("none")
                        + "|" + ex.host() + "|" + ex.isHead() + "|" + ex.isKeepAlive());
                ex.respondError(HttpResponseStatus.NO_CONTENT, null);
                seen.set(ex);
                return true;
            });
            c.send("GET /live//./a%20b%C3%A9.flv?token=x%2By&a=1&a=2 HTTP/1.1\r\nHost: vhost.example:8080\r\n\r\n");
            assertEquals(204, c.read(false).status());
            assertEquals("/live/a bé.flv|x+y|[1, 2]|null|vhost.example|false|true", summary.get());
            c.send("GET /x?n HTTP/1.0\r\nHost: [::1]:8080\r\n\r\n");
            assertEquals(204, c.read(false).status());
            assertTrue(summary.get().endsWith("|::1|false|false"), summary.get());
        }
    }

    @Test
    void removedRouteAnswers404WhileOthersKeepWorking() throws Exception {
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            HttpRoute flv = textRoute("/live/", "flv");
            Map<String, Object> props = s.addRoute(flv);
            s.addRoute(textRoute("/api/", "api"));
            assertEquals(200, c.get("/live/a.flv").status());
            s.removeRoute(flv, props);
            assertEquals(404, c.get("/live/a.flv").status(), "same keep-alive connection, route gone");
            RawClient.Response api = c.get("/api/v1/versions");
            assertEquals(200, api.status());
            assertEquals("api /api/v1/versions", api.text());
        }
    }

    @Test
    void routesAreAskedInRankingOrderThenServiceId() throws Exception {
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            Map<String, Object> low = s.addRoute(textRoute("/", "low"), -5, null);
            HttpRoute high = textRoute("/", "high");
            Map<String, Object> highProps = s.addRoute(high, 10, null);
            s.addRoute(textRoute("/", "first-of-equal"), 0, null);
            s.addRoute(textRoute("/", "second-of-equal"), 0, null);
            assertEquals("high /x", c.get("/x").text());
            s.removeRoute(high, highProps);
            assertEquals("first-of-equal /x", c.get("/x").text());
            assertFalse(low.isEmpty());
        }
    }

    @Test
    void routeOfAnotherListenerIsNotAsked() throws Exception {
        try (TestServer s = new TestServer(Map.of()); TestServer api = new TestServer(Map.of("name", "api"));
             RawClient c = s.client(); RawClient a = api.client()) {
            HttpRoute versions = textRoute("/api/", "api");
            s.addRoute(versions, 0, "api");
            api.addRoute(versions, 0, "api");
            s.addRoute(textRoute("/", "server"), -1, "server");
            api.addRoute(textRoute("/", "server"), -1, null); // no property: belongs to "server"
            assertEquals("server /api/v1", c.get("/api/v1").text());
            assertEquals("api /api/v1", a.get("/api/v1").text());
            assertEquals(404, a.get("/other").status());
        }
    }

    @Test
    void exceptionInRouteGives500AndTheServerKeepsServing() throws Exception {
        try (TestServer s = new TestServer(Map.of())) {
            s.addRoute(ex -> {
                if (ex.path().equals("/boom")) {
                    throw new IllegalStateException("route bug");
                }
                return false;
            }, 10, null);
            s.addRoute(textRoute("/ok", "ok"));
            try (RawClient c = s.client()) {
                RawClient.Response r = c.get("/boom");
                assertEquals(500, r.status());
                assertEquals("close", r.header("connection"));
                assertEquals("*", r.header("access-control-allow-origin"));
                assertTrue(c.closedByServer());
            }
            try (RawClient c = s.client()) {
                assertEquals("ok /ok", c.get("/ok").text());
            }
            assertTrue(TestServer.log().contains("route bug"));
        }
    }

    @Test
    void streamingRouteWritesItsOwnChunkedResponseAndConnectionStaysUsable() throws Exception {
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(ex -> {
                if (!ex.path().endsWith(".flv")) {
                    return false;
                }
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv")
                        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                ex.ctx().write(head);
                // Later, from the event loop, as a live stream would.
                ex.ctx().executor().execute(() -> {
                    ex.ctx().write(new DefaultHttpContent(ByteBufUtil.writeAscii(ex.ctx().alloc(), "FLV")));
                    ex.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                });
                return true;
            });
            s.addRoute(textRoute("/next", "next"), -1, null);
            // Pipelined: the second request must wait for the streamed response to end.
            c.send("GET /live/a.flv HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.Response flv = c.read(false);
            assertEquals("FLV", flv.text());
            assertEquals("*", flv.header("access-control-allow-origin"));
            assertEquals("next /next", c.read(false).text());
        }
    }

    /** A chunked response head, as HTTP-FLV writes it. */
    private static void chunkedHead(HttpExchange ex) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ex.ctx().write(head);
    }

    private static List<ByteBuf> chunkOf(HttpExchange ex, String... parts) {
        List<ByteBuf> chunk = new ArrayList<>(parts.length);
        for (String part : parts) {
            chunk.add(ByteBufUtil.writeAscii(ex.ctx().alloc(), part));
        }
        return chunk;
    }

    @Test
    void writeChunkUnderARoutesOwnChunkedHeadFramesEachChunkAndAnEmptyOneDoesNotEndTheBody() throws Exception {
        String big = "x".repeat(300); // 0x12c: a size line of three hex digits
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(ex -> {
                if (!ex.path().endsWith(".flv")) {
                    return false;
                }
                chunkedHead(ex);
                ex.ctx().write(new DefaultHttpContent(ByteBufUtil.writeAscii(ex.ctx().alloc(), "FLV")));
                ex.ctx().executor().execute(() -> {
                    ex.writeChunk(chunkOf(ex, "ab", "cd"));
                    ex.writeChunk(chunkOf(ex));
                    ex.writeChunk(chunkOf(ex, big, "!"));
                    ex.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                });
                return true;
            });
            s.addRoute(textRoute("/next", "next"), -1, null);
            c.send("GET /live/a.flv HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.Response flv = c.read(false); // strict about every chunk's size line and CRLF
            assertEquals("FLVabcd" + big + "!", flv.text());
            assertEquals("*", flv.header("access-control-allow-origin"));
            assertEquals("next /next", c.read(false).text(), "the response ended where it should, the encoder knew");
        }
    }

    /** A streamed response's head, as HTTP-FLV's: the server picks the framing. */
    private static void startFlv(HttpExchange ex) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv");
        ex.startStream(head);
    }

    @Test
    void aStartedStreamIsChunkedForHttp11WithEachCrlfSentBeforeTheNextSizeLineOrTheEnd() throws Exception {
        String big = "x".repeat(300);
        RawClient.Response flv = streamThenNext(ex -> {
            ex.writeChunk(chunkOf(ex, "FLV", "ab"));
            ex.writeChunk(chunkOf(ex));
            ex.writeChunk(chunkOf(ex, big, "!"));
        });
        assertEquals("chunked", flv.header("transfer-encoding"));
        assertEquals("FLVab" + big + "!", flv.text());
        assertEquals("*", flv.header("access-control-allow-origin"));
    }

    /**
     * An HTTP/1.1 client asks for /live/a.flv and then /next on the same connection; the FLV route
     * starts a stream, runs {@code writes} on the loop and ends it. Returns the FLV response, read
     * strictly (every chunk's size line and CRLF), after checking that /next was answered after it:
     * the stream ended where it should.
     */
    private static RawClient.Response streamThenNext(java.util.function.Consumer<HttpExchange> writes) throws Exception {
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(ex -> {
                if (!ex.path().endsWith(".flv")) {
                    return false;
                }
                startFlv(ex);
                ex.ctx().executor().execute(() -> {
                    writes.accept(ex);
                    ex.endStream();
                });
                return true;
            });
            s.addRoute(textRoute("/next", "next"), -1, null);
            c.send("GET /live/a.flv HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
            RawClient.Response flv = c.read(false);
            assertEquals("next /next", c.read(false).text(), "the response ended where it should, the encoder knew");
            return flv;
        }
    }

    /** Each part framed as a whole chunk, as a shared encoding would be. */
    private static List<ByteBuf> framedChunksOf(HttpExchange ex, String... parts) {
        List<ByteBuf> chunks = new ArrayList<>(parts.length);
        for (String part : parts) {
            chunks.add(HttpExchange.frameChunk(ex.ctx().alloc(), ByteBufUtil.writeAscii(ex.ctx().alloc(), part)));
        }
        return chunks;
    }

    @Test
    void framedChunksGoOutAsTheyAreBetweenChunksTheServerFrames() throws Exception {
        String big = "y".repeat(5000);
        AtomicReference<Boolean> chunked = new AtomicReference<>();
        RawClient.Response flv = streamThenNext(ex -> {
            chunked.set(ex.isChunkedStream());
            ex.writeChunk(chunkOf(ex, "FLV")); // its CRLF is owed: it goes out before the framed chunks
            ex.writeFramedChunks(framedChunksOf(ex, "ab", big));
            ex.writeFramedChunks(framedChunksOf(ex, "cd"));
            ex.writeChunk(chunkOf(ex, "!")); // a size line with no CRLF in front: none is owed
        });
        assertEquals("chunked", flv.header("transfer-encoding"));
        assertEquals("FLVab" + big + "cd!", flv.text());
        assertEquals(Boolean.TRUE, chunked.get());
    }

    @Test
    void framedChunksAreRefusedOnAnHttp10StreamAndReleased() throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(ex -> {
                startFlv(ex);
                ex.ctx().executor().execute(() -> {
                    List<ByteBuf> chunks = framedChunksOf(ex, "ab");
                    try {
                        ex.writeFramedChunks(chunks);
                        outcome.set("written");
                    } catch (IllegalStateException e) {
                        outcome.set(ex.isChunkedStream() + " " + chunks.get(0).refCnt());
                    }
                    ex.writeChunk(chunkOf(ex, "FLVcd"));
                    ex.endStream().addListener(ChannelFutureListener.CLOSE);
                });
                return true;
            });
            c.send("GET /live/a.flv HTTP/1.0\r\nHost: h\r\n\r\n");
            assertEquals("FLVcd", c.read(false).text(), "no chunk framing in an HTTP/1.0 body");
        }
        assertEquals("false 0", outcome.get(), "refused, not a chunked stream, and the chunk released");
    }

    @Test
    void aStartedStreamToAnHttp10ClientIsUnframedAndEndsWithTheConnection() throws Exception {
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(ex -> {
                startFlv(ex);
                ex.ctx().executor().execute(() -> {
                    ex.writeChunk(chunkOf(ex, "FLV", "ab"));
                    ex.writeChunk(chunkOf(ex));
                    ex.writeChunk(chunkOf(ex, "cd"));
                    ex.endStream().addListener(ChannelFutureListener.CLOSE);
                });
                return true;
            });
            c.send("GET /live/a.flv HTTP/1.0\r\nHost: h\r\n\r\n");
            RawClient.Response flv = c.read(false); // no length, no chunks: read to the close
            assertNull(flv.header("transfer-encoding"), "HTTP/1.0 knows no chunks");
            assertNull(flv.header("content-length"));
            assertEquals("close", flv.header("connection"));
            assertEquals("FLVabcd", flv.text(), "the bytes as written, no framing");
        }
    }

    @Test
    void sizeLinesStayRightAcrossManyChunksOfOneResponse() throws Exception {
        // ~300 chunks: the size lines (each with the CRLF the chunk before owes) outgrow the buffer they share several times over
        StringBuilder expected = new StringBuilder("FLV");
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String part = Integer.toString(i, 36).repeat(1 + (i * 37) % 700);
            parts.add(part);
            expected.append(part);
        }
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            s.addRoute(ex -> {
                startFlv(ex);
                ex.ctx().executor().execute(() -> {
                    ex.writeChunk(chunkOf(ex, "FLV"));
                    for (String part : parts) {
                        ex.writeChunk(chunkOf(ex, part));
                    }
                    ex.endStream();
                });
                return true;
            });
            c.send("GET /live/a.flv HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(expected.toString(), c.read(false).text()); // strict about every size line and CRLF
        }
    }

    /**
     * A stream written with writeChunk to a client that reads steadily but slower than the server
     * could send: bytes are pending nearly all the time, yet the client is not "idle".
     */
    @Test
    void aSlowButReadingClientOfWriteChunksIsNotTakenForStalledButAStoppedOneIsDropped() throws Exception {
        int seconds = 4;
        try (TestServer s = new TestServer(Map.of("idle__timeout", 1))) {
            AtomicInteger chunks = new AtomicInteger();
            s.addRoute(ex -> {
                // A small fixed kernel buffer: what the client has not read waits in Netty's buffer.
                ex.ctx().channel().config().setOption(ChannelOption.SO_SNDBUF, 16 * 1024);
                startFlv(ex);
                ex.ctx().flush();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                Runnable[] fill = new Runnable[1];
                fill[0] = () -> {
                    if (!ex.ctx().channel().isActive()) {
                        return;
                    }
                    if (System.nanoTime() > end) {
                        ex.endStream().addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    while (ex.ctx().channel().isWritable()) {
                        // Larger than the socket takes at once: the rest waits in Netty's buffer.
                        ByteBuf data = ex.ctx().alloc().directBuffer(256 * 1024);
                        data.writeZero(256 * 1024);
                        ex.writeChunk(List.of(data));
                        chunks.incrementAndGet();
                    }
                    ex.ctx().executor().schedule(fill[0], 5, TimeUnit.MILLISECONDS);
                };
                fill[0].run();
                return true;
            });
            try (RawClient reading = s.client()) { // the default receive buffer: TCP keeps moving
                reading.send("GET /s.flv HTTP/1.1\r\nHost: h\r\n\r\n");
                InputStream in = reading.socket().getInputStream();
                byte[] buf = new byte[4096];
                byte[] tail = new byte[5];
                long total = 0;
                int n;
                // About 800 KB/s: far below what loopback takes, so the server's buffer stays full.
                while ((n = in.read(buf)) > 0) {
                    total += n;
                    int keep = Math.min(n, tail.length);
                    System.arraycopy(tail, keep, tail, 0, tail.length - keep);
                    System.arraycopy(buf, n - keep, tail, tail.length - keep, keep);
                    Thread.sleep(5);
                }
                assertEquals("0\r\n\r\n", new String(tail, java.nio.charset.StandardCharsets.US_ASCII),
                        "the stream ran to its end (the last chunk), not cut as idle after " + total + " bytes");
                assertTrue(chunks.get() > 5, "the server wrote as the client read: " + chunks.get());
            }
            try (RawClient stopped = s.client()) {
                stopped.socket().setReceiveBufferSize(4096);
                stopped.send("GET /s.flv HTTP/1.1\r\nHost: h\r\n\r\n");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds - 1);
                while (s.server.connectionCount() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(1, s.server.connectionCount(), "connected");
                while (s.server.connectionCount() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(0, s.server.connectionCount(), "a client that stopped reading is dropped before its stream ends");
                assertTrue(TestServer.log().contains("stopped reading"));
            }
        }
    }

    @Test
    void everyResponseCarriesCorsAndOptionsAnswersThePreflight() throws Exception {
        try (TestServer s = new TestServer(Map.of()); RawClient c = s.client()) {
            assertEquals("*", c.get("/missing").header("access-control-allow-origin"));
            RawClient.Response r = c.request("OPTIONS", "/api/v1/streams", "Origin: http://player.example",
                    "Access-Control-Request-Method: DELETE");
            assertTrue(r.status() == 200 || r.status() == 204);
            assertEquals("*", r.header("access-control-allow-origin"));
            List<String> methods = List.of(r.header("access-control-allow-methods").split(",\\s*"));
            assertTrue(methods.containsAll(List.of("GET", "HEAD", "OPTIONS", "POST", "DELETE")), methods.toString());
            assertEquals("*", r.header("access-control-allow-headers"));
            assertEquals(404, c.get("/still-alive").status());
        }
    }

    @Test
    void bodyLargerThanMaxBodyIsRefusedWith413() throws Exception {
        AtomicReference<String> body = new AtomicReference<>();
        try (TestServer s = new TestServer(Map.of("max__body", 100)); RawClient c = s.client()) {
            s.addRoute(ex -> {
                body.set(ex.request().content().toString(java.nio.charset.StandardCharsets.UTF_8));
                ex.respond(HttpResponseStatus.OK, null, null, null);
                return true;
            });
            c.send("POST /api HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(200, c.read(false).status());
            assertEquals("hello", body.get());
            body.set(null);
            c.send("POST /api HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n" + "x".repeat(101));
            RawClient.Response r = c.read(false);
            assertEquals(413, r.status());
            assertNull(body.get());
        }
    }
}
