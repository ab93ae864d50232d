package org.fluvia.http.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.http.server.HttpRoute;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * SRS's HTTP API ({@code srs_app_http_api.cpp}) as a route of the {@code api} HTTP listener:
 * {@code /api/v1/versions}, {@code summaries}, {@code vhosts}, {@code streams}, {@code clients}
 * (and {@code DELETE /api/v1/clients/{id}} to kick). Runs on the connection's event loop: every
 * answer is computed from in-memory state.
 */
@Component(configurationPid = HttpApi.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = HttpRoute.class, property = HttpRoute.SERVER_PROPERTY + "=" + HttpApi.SERVER)
@Designate(ocd = HttpApi.Config.class)
public class HttpApi implements HttpRoute {

    static final String PID = "org.fluvia.http.api";
    /** The HTTP listener this route belongs to (SRS's http_api). */
    static final String SERVER = "api";

    /** SRS's error codes (srs_kernel_error.hpp). */
    static final int ERROR_SUCCESS = 0;
    static final int ERROR_RTMP_VHOST_NOT_FOUND = 2014;
    static final int ERROR_RTMP_STREAM_NOT_FOUND = 2048;
    static final int ERROR_RTMP_CLIENT_NOT_FOUND = 2049;
    /** Streams and clients per page when the request gives no positive {@code count} (SRS's default). */
    static final int DEFAULT_COUNT = 10;

    @ObjectClassDefinition(name = "Fluvia HTTP API",
            description = "SRS's HTTP API (http_api) on the HTTP listener named 'api': streams, clients, vhosts, kicking.")
    public @interface Config {
        @AttributeDefinition(name = "crossdomain", description = "Answer cross-origin requests (SRS http_api.crossdomain). "
                + "The HTTP server always answers preflights and sends Access-Control-Allow-Origin; this adds "
                + "Access-Control-Expose-Headers to responses to requests with an Origin.")
        boolean crossdomain() default true;

        @AttributeDefinition(name = "auth_enabled", description = "Require HTTP Basic authentication for /api/ (SRS http_api.auth.enabled).")
        boolean auth__enabled() default false;

        @AttributeDefinition(name = "auth_username", description = "The user name HTTP Basic authentication accepts.")
        String auth__username() default "";

        @AttributeDefinition(name = "auth_password", description = "The password HTTP Basic authentication accepts.",
                type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String auth__password() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/json";
    private static final String REALM = "Basic realm=\"Fluvia\"";
    private static final java.util.Set<String> RESOURCES = java.util.Set.of("/api", "/api/v1", "/api/v1/versions",
            "/api/v1/summaries", "/api/v1/vhosts", "/api/v1/streams", "/api/v1/clients");

    @Reference
    StreamRegistry registry;

    @Reference
    ClientRegistry clients;

    /** The settings requests read; replaced whole on modification. */
    private record Settings(boolean crossdomain, byte[] credentialsDigest) {
    }

    private volatile Settings settings = new Settings(true, null);
    private Statistics statistics;
    private Summaries summaries;
    private String serverId;
    private String serviceId;
    private String pid;
    private Version version;

    /** The bundle's version as SRS's major/minor/revision. */
    record Version(int major, int minor, int revision) {
        static Version parse(String text) {
            String[] parts = text.split("[.-]");
            int[] n = new int[3];
            for (int i = 0; i < 3 && i < parts.length; i++) {
                try {
                    n[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    break;
                }
            }
            return new Version(n[0], n[1], n[2]);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + revision;
        }
    }

    @Activate
    void activate(Config config) {
        version = Version.parse(readVersion());
        SecureRandom random = new SecureRandom();
        serverId = "vid-" + randomString(random, 7);
        serviceId = randomString(random, 8);
        pid = String.valueOf(ProcessHandle.current().pid());
        statistics = new Statistics(registry, clients);
        summaries = new Summaries(Path.of("/proc"), version.toString());
        configure(config);
    }

    @Modified
    void configure(Config config) {
        byte[] digest = null;
        if (config.auth__enabled()) {
            if (config.auth__username().isEmpty()) {
                LOG.warn("HTTP API auth is enabled without auth_username: every /api request is refused");
            }
            digest = sha256(config.auth__username() + ":" + config.auth__password());
        }
        settings = new Settings(config.crossdomain(), digest);
        LOG.info("HTTP API on the '{}' listener: version {}, auth {}, crossdomain {}", SERVER, version,
                digest != null ? "on" : "off", config.crossdomain());
    }

    private static String readVersion() {
        try (InputStream in = HttpApi.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "0.0.0");
            }
        } catch (IOException e) {
            LOG.warn("cannot read the bundle's version.properties: {}", e.toString());
        }
        return "0.0.0";
    }

    private static String randomString(SecureRandom random, int length) {
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    @Override
    public boolean handle(HttpExchange exchange) {
        String path = exchange.path();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return false;
        }
        Settings s = settings;
        HttpHeaders headers = new DefaultHttpHeaders();
        if (s.crossdomain() && exchange.request().headers().contains(HttpHeaderNames.ORIGIN)) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "*");
        }
        if (s.credentialsDigest() != null && !authorized(exchange, s.credentialsDigest())) {
            headers.set(HttpHeaderNames.WWW_AUTHENTICATE, REALM);
            send(exchange, HttpResponseStatus.UNAUTHORIZED, code(HttpResponseStatus.UNAUTHORIZED.code()), headers);
            return true;
        }
        HttpMethod method = exchange.request().method();
        boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        boolean delete = HttpMethod.DELETE.equals(method);
        String rest = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (delete && rest.startsWith("/api/v1/clients/")) {
            send(exchange, HttpResponseStatus.OK, kick(rest.substring("/api/v1/clients/".length())), headers);
            return true;
        }
        String resource = resource(rest);
        if (!RESOURCES.contains(resource)) {
            send(exchange, HttpResponseStatus.NOT_FOUND, code(HttpResponseStatus.NOT_FOUND.code()), headers);
        } else if (!read) {
            headers.set(HttpHeaderNames.ALLOW, rest.startsWith("/api/v1/clients/") ? "GET, HEAD, DELETE" : "GET, HEAD");
            send(exchange, HttpResponseStatus.METHOD_NOT_ALLOWED, code(HttpResponseStatus.METHOD_NOT_ALLOWED.code()), headers);
        } else {
            ObjectNode body = switch (resource) {
                case "/api" -> api();
                case "/api/v1" -> v1();
                case "/api/v1/versions" -> versions();
                case "/api/v1/summaries" -> summaries();
                case "/api/v1/vhosts" -> vhosts(idOf(rest, resource));
                case "/api/v1/streams" -> streams(idOf(rest, resource), exchange);
                default -> clients(idOf(rest, resource), exchange);
            };
            send(exchange, HttpResponseStatus.OK, body, headers);
        }
        return true;
    }

    /** The endpoint a path addresses: {@code /api/v1/streams/vid-1} is {@code /api/v1/streams}. */
    private static String resource(String path) {
        for (String collection : new String[]{"/api/v1/vhosts", "/api/v1/streams", "/api/v1/clients"}) {
            if (path.equals(collection) || path.startsWith(collection + "/") && path.indexOf('/', collection.length() + 1) < 0) {
                return collection;
            }
        }
        return path;
    }

    /** The id after {@code collection/}, or null for the collection itself. */
    private static String idOf(String path, String collection) {
        return path.length() > collection.length() + 1 ? path.substring(collection.length() + 1) : null;
    }

    /** Checks {@code Authorization: Basic base64(user:password)} against the configured digest in constant time. */
    static boolean authorized(HttpExchange exchange, byte[] expectedDigest) {
        String auth = exchange.request().headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null || auth.length() < 6 || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] plain;
        try {
            plain = Base64.getDecoder().decode(auth.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] given;
        try {
            given = MessageDigest.getInstance("SHA-256").digest(plain);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
        // Digests of equal length: MessageDigest.isEqual takes the same time wherever they differ.
        return MessageDigest.isEqual(given, expectedDigest);
    }

    /** SRS's envelope: code, server, service, pid. */
    private ObjectNode envelope(int code) {
        ObjectNode o = JSON.objectNode();
        o.put("code", code);
        o.put("server", serverId);
        o.put("service", serviceId);
        o.put("pid", pid);
        return o;
    }

    /** SRS's bare error answer: {"code":N}. */
    private static ObjectNode code(int code) {
        ObjectNode o = JSON.objectNode();
        o.put("code", code);
        return o;
    }

    private ObjectNode api() {
        ObjectNode o = envelope(ERROR_SUCCESS);
        o.putObject("urls").put("v1", "the api version 1.0");
        return o;
    }

    private ObjectNode v1() {
        ObjectNode o = envelope(ERROR_SUCCESS);
        ObjectNode urls = o.putObject("urls");
        urls.put("versions", "the version of Fluvia");
        urls.put("summaries", "the summary(pid, argv, pwd, cpu, mem) of Fluvia");
        urls.put("vhosts", "manage all vhosts or specified vhost");
        urls.put("streams", "manage all streams or specified stream");
        urls.put("clients", "manage all clients or specified client, default query top 10 clients");
        return o;
    }

    private ObjectNode versions() {
        ObjectNode o = envelope(ERROR_SUCCESS);
        ObjectNode data = o.putObject("data");
        data.put("major", version.major());
        data.put("minor", version.minor());
        data.put("revision", version.revision());
        data.put("version", version.toString());
        return o;
    }

    private ObjectNode summaries() {
        ObjectNode o = envelope(ERROR_SUCCESS);
        o.set("data", summaries.data(System.currentTimeMillis(), clients.clients().size()));
        return o;
    }

    private ObjectNode vhosts(String id) {
        Statistics.Snapshot snap = statistics.snapshot(System.currentTimeMillis());
        if (id == null) {
            ObjectNode o = envelope(ERROR_SUCCESS);
            o.set("vhosts", snap.vhosts());
            return o;
        }
        String vhost = snap.vhostById(id);
        if (vhost == null) {
            return code(ERROR_RTMP_VHOST_NOT_FOUND);
        }
        ObjectNode o = envelope(ERROR_SUCCESS);
        o.set("vhost", snap.vhost(vhost));
        return o;
    }

    private ObjectNode streams(String id, HttpExchange exchange) {
        Statistics.Snapshot snap = statistics.snapshot(System.currentTimeMillis());
        if (id == null) {
            ObjectNode o = envelope(ERROR_SUCCESS);
            o.set("streams", snap.streams(start(exchange), count(exchange)));
            return o;
        }
        Stream stream = snap.stream(id);
        if (stream == null) {
            return code(ERROR_RTMP_STREAM_NOT_FOUND);
        }
        ObjectNode o = envelope(ERROR_SUCCESS);
        o.set("stream", snap.stream(stream));
        return o;
    }

    private ObjectNode clients(String id, HttpExchange exchange) {
        Statistics.Snapshot snap = statistics.snapshot(System.currentTimeMillis());
        if (id == null) {
            ObjectNode o = envelope(ERROR_SUCCESS);
            o.set("clients", snap.clients(start(exchange), count(exchange)));
            return o;
        }
        Client client = client(id);
        if (client == null) {
            return code(ERROR_RTMP_CLIENT_NOT_FOUND);
        }
        ObjectNode o = envelope(ERROR_SUCCESS);
        o.set("client", snap.client(client));
        return o;
    }

    /** DELETE /api/v1/clients/{id}: closes the client's connection, as SRS's {@code conn->expire()}. */
    private ObjectNode kick(String id) {
        Client client = client(id);
        if (client == null) {
            return code(ERROR_RTMP_CLIENT_NOT_FOUND);
        }
        LOG.warn("kicking client id={} {} {} {}", id, client.protocol(), client.ip(), client.stream());
        client.kick();
        return envelope(ERROR_SUCCESS);
    }

    private Client client(String id) {
        try {
            return clients.client(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int start(HttpExchange exchange) {
        return Math.max(0, parse(exchange.parameter("start"), 0));
    }

    /** {@code count}, 10 when absent or not positive. (SRS takes max(10, count); we honour smaller pages.) */
    static int count(HttpExchange exchange) {
        int count = parse(exchange.parameter("count"), DEFAULT_COUNT);
        return count > 0 ? count : DEFAULT_COUNT;
    }

    private static int parse(String value, int otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static void send(HttpExchange exchange, HttpResponseStatus status, JsonNode body, HttpHeaders headers) {
        ByteBuf buf = exchange.ctx().alloc().buffer(256);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            MAPPER.writeValue((java.io.OutputStream) out, body);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw new IllegalStateException("cannot write the JSON answer", e);
        }
        exchange.respond(status, CONTENT_TYPE, buf, headers);
    }
}
