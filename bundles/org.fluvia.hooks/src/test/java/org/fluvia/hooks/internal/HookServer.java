package org.fluvia.hooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** An HTTP callback server on a free loopback port: answers by path, records every request in arrival order. */
final class HookServer implements AutoCloseable {

    /** One callback as it arrived. */
    record Call(String path, JsonNode body, long atNanos) {
        String field(String name) {
            JsonNode v = body.get(name);
            return v == null ? null : v.asText();
        }
    }

    /** What a path answers; a null answer means never answer (until the server closes). */
    record Answer(int status, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Call, Answer>> routes = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpServer server;

    HookServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] in;
                try (InputStream is = exchange.getRequestBody()) {
                    in = is.readAllBytes();
                }
                Call call = new Call(exchange.getRequestURI().getPath(), JSON.readTree(in), System.nanoTime());
                calls.add(call);
                Function<Call, Answer> route = routes.getOrDefault(call.path(), c -> new Answer(404, "no route"));
                Answer answer = route.apply(call);
                if (answer == null) {
                    closing.await(60, TimeUnit.SECONDS);
                    return;
                }
                byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    /** Answers requests for {@code path}. */
    HookServer route(String path, Function<Call, Answer> answer) {
        routes.put(path, answer);
        return this;
    }

    HookServer route(String path, int status, String body) {
        return route(path, c -> new Answer(status, body));
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Call> calls(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    /** Waits until {@code path} was called {@code n} times; returns its calls. */
    List<Call> await(String path, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls(path).size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<Call> got = calls(path);
        if (got.size() < n) {
            throw new AssertionError("expected " + n + " calls of " + path + ", got " + calls);
        }
        return got;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
