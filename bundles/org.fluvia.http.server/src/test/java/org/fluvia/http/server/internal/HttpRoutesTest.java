package org.fluvia.http.server.internal;

import io.netty.buffer.ByteBufUtil;
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

import java.util.List;
import java.util.Map;
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
