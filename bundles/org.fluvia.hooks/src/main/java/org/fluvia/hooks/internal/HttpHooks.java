package org.fluvia.hooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fluvia.media.api.AccessDeniedException;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientHook;
import org.fluvia.media.api.StreamKey;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SRS's {@code vhost NAME { http_hooks { on_publish URL; on_play URL; ... } }}: one factory
 * configuration per vhost. Before a publish (play) of the vhost starts, POSTs SRS's JSON body to
 * each {@code on_publish} ({@code on_play}) URL in turn; the client is admitted only when every URL
 * answers HTTP 200 with the body {@code 0} or {@code {"code":0}}. When it ends, the
 * {@code on_unpublish} ({@code on_stop}) URLs hear about it; their answers are only logged.
 *
 * <p>Never blocks the caller (the client's event loop): requests are sent from this component's own
 * small thread pool by {@link HttpClient}, and each call is bounded by {@code timeout} seconds. The
 * default is 5 s rather than SRS's 30 s: a client waits that long for its answer, and a callback
 * server that is down should refuse publishers promptly.
 */
@Component(service = ClientHook.class, configurationPid = HttpHooks.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "service.ranking:Integer=0")
@Designate(ocd = HttpHooks.Config.class, factory = true)
public class HttpHooks implements ClientHook {

    static final String FACTORY_PID = "org.fluvia.hooks";

    private static final Logger LOG = LoggerFactory.getLogger(HttpHooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bodies quoted in messages are cut to this many characters. */
    private static final int QUOTE = 200;
    /** Threads that send the requests and read the answers. */
    private static final int THREADS = 4;
    /** Requests waiting for a thread beyond this many are refused at once rather than queued. */
    private static final int QUEUE = 1024;

    /** SRS's server_id and service_id: this process, as SRS identifies its own. */
    static final String SERVER_ID = "vid-" + UUID.randomUUID().toString().substring(0, 8);
    static final String SERVICE_ID = UUID.randomUUID().toString().substring(0, 8);

    @ObjectClassDefinition(name = "Fluvia HTTP hooks",
            description = "HTTP callbacks that allow publishes and plays of one vhost and hear when they end (SRS vhost.http_hooks).")
    public @interface Config {
        @AttributeDefinition(name = "Vhost", description = "The vhost whose clients are reported; " + StreamKey.DEFAULT_VHOST
                + " for clients that name none.")
        String vhost() default StreamKey.DEFAULT_VHOST;

        @AttributeDefinition(name = "Enabled", description = "When off, no URL is called and every client is allowed.")
        boolean enabled() default true;

        @AttributeDefinition(name = "on_publish", description = "URLs asked in turn before a publish starts; each must answer 0 or {\"code\":0}.")
        String[] on__publish() default {};

        @AttributeDefinition(name = "on_unpublish", description = "URLs told when a publish ends.")
        String[] on__unpublish() default {};

        @AttributeDefinition(name = "on_play", description = "URLs asked in turn before a play starts; each must answer 0 or {\"code\":0}.")
        String[] on__play() default {};

        @AttributeDefinition(name = "on_stop", description = "URLs told when a play ends.")
        String[] on__stop() default {};

        @AttributeDefinition(name = "Timeout (s)", description = "How long one call may take, connecting included; "
                + "a call that takes longer refuses the client. SRS waits 30 s; 5 s here.")
        int timeout() default 5;
    }

    private record Settings(String vhost, boolean enabled, List<URI> onPublish, List<URI> onUnpublish,
                            List<URI> onPlay, List<URI> onStop, Duration timeout) {
    }

    private volatile Settings settings;
    private ExecutorService executor;
    private HttpClient http;

    @Activate
    void activate(Config config) {
        configure(config);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "fluvia-http-hooks-" + settings.vhost() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        executor = pool;
        http = HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
    }

    @Modified
    void modified(Config config) {
        configure(config);
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    /** Checks every URL first: a bad one fails (de)activation with a message naming it. */
    private void configure(Config config) {
        String vhost = config.vhost() == null || config.vhost().isBlank() ? StreamKey.DEFAULT_VHOST : config.vhost().trim();
        if (config.timeout() <= 0) {
            throw new IllegalArgumentException("http_hooks timeout must be at least 1 s, not " + config.timeout());
        }
        settings = new Settings(vhost, config.enabled(), urls("on_publish", config.on__publish()),
                urls("on_unpublish", config.on__unpublish()), urls("on_play", config.on__play()),
                urls("on_stop", config.on__stop()), Duration.ofSeconds(config.timeout()));
        LOG.info("http_hooks for vhost {}: {}", vhost, settings);
    }

    private static List<URI> urls(String event, String[] values) {
        List<URI> urls = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            String text = v == null ? "" : v.trim();
            URI uri;
            try {
                uri = new URI(text);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("http_hooks " + event + " '" + text + "' is not a URL: " + e.getMessage());
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("http_hooks " + event + " '" + text + "' is not an http:// or https:// URL");
            }
            urls.add(uri);
        }
        return List.copyOf(urls);
    }

    private boolean applies(Settings s, Client client) {
        return s.enabled() && client.stream() != null && client.stream().vhost().equals(s.vhost());
    }

    @Override
    public CompletionStage<Void> onPublish(Client client) {
        Settings s = settings;
        return applies(s, client) ? ask(s, s.onPublish(), "on_publish", client) : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> onPlay(Client client) {
        Settings s = settings;
        return applies(s, client) ? ask(s, s.onPlay(), "on_play", client) : CompletableFuture.completedFuture(null);
    }

    @Override
    public void onUnpublish(Client client) {
        Settings s = settings;
        if (applies(s, client)) {
            tell(s, s.onUnpublish(), "on_unpublish", client);
        }
    }

    @Override
    public void onStop(Client client) {
        Settings s = settings;
        if (applies(s, client)) {
            tell(s, s.onStop(), "on_stop", client);
        }
    }

    /** Asks each URL in turn; the first refusal (or failure) refuses and the later URLs are not asked. */
    private CompletableFuture<Void> ask(Settings s, List<URI> urls, String action, Client client) {
        if (urls.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String body = body(action, client);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (URI url : urls) {
            chain = chain.thenCompose(ok -> post(s, url, body).handleAsync((response, error) -> {
                String refusal = error != null ? failure(s, error) : verdict(response);
                if (refusal != null) {
                    String message = "http_hooks: " + action + " " + url + " refused client " + client.id()
                            + " (" + client.stream() + " from " + client.ip() + "): " + refusal;
                    LOG.info(message);
                    throw new java.util.concurrent.CompletionException(new AccessDeniedException(message));
                }
                LOG.debug("http_hooks: {} {} allowed client {}", action, url, client.id());
                return null;
            }, executor));
        }
        return chain;
    }

    /** Tells each URL in turn, whatever the previous ones answered; failures are logged. */
    private void tell(Settings s, List<URI> urls, String action, Client client) {
        if (urls.isEmpty()) {
            return;
        }
        String body = body(action, client);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (URI url : urls) {
            chain = chain.thenCompose(ok -> post(s, url, body).handleAsync((response, error) -> {
                String problem = error != null ? failure(s, error) : verdict(response);
                if (problem != null) {
                    LOG.warn("http_hooks: {} {} for client {} ({}) failed: {}", action, url, client.id(), client.stream(), problem);
                }
                return null;
            }, executor));
        }
    }

    /**
     * POSTs {@code body} from this component's pool, so that even the request's setup (a name
     * lookup) happens off the caller's thread; completes within the timeout one way or the other.
     * (HttpClient completes on the JDK's async pool; the callers hop back to this pool to decide.)
     */
    private CompletableFuture<HttpResponse<String>> post(Settings s, URI url, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(s.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        CompletableFuture<HttpResponse<String>> response;
        try {
            response = CompletableFuture.supplyAsync(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()), executor)
                    .thenCompose(f -> f);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("too many hook calls waiting (" + QUEUE + ")", e));
        }
        // The request timeout bounds the wait for the status line; this bounds the body as well.
        return response.orTimeout(s.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Null when the answer allows (HTTP 200 with 0 or {"code":0}); else what came back. */
    static String verdict(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " " + quote(body);
        }
        String text = body.trim();
        if (text.equals("0")) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && json.isObject()) {
                JsonNode code = json.get("code");
                if (code != null && code.isIntegralNumber() && code.asLong() == 0 && code.canConvertToLong()) {
                    return null;
                }
            }
        } catch (java.io.IOException e) {
            // not JSON: refused below
        }
        return "HTTP 200 " + quote(body) + " (allowing needs 0 or {\"code\":0})";
    }

    private static String failure(Settings s, Throwable error) {
        Throwable e = error;
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof TimeoutException || e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + s.timeout().toSeconds() + " s";
        }
        return e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String quote(String body) {
        String b = body.length() > QUOTE ? body.substring(0, QUOTE) + "..." : body;
        return "'" + b + "'";
    }

    /** SRS's callback body (srs_app_http_hooks.cpp), field for field. */
    static String body(String action, Client client) {
        StreamKey key = client.stream();
        ObjectNode o = JSON.createObjectNode();
        o.put("server_id", SERVER_ID);
        o.put("service_id", SERVICE_ID);
        o.put("action", action);
        o.put("client_id", String.valueOf(client.id()));
        o.put("ip", client.ip());
        o.put("vhost", key.vhost());
        o.put("app", key.app());
        o.put("tcUrl", tcUrl(client));
        o.put("stream", key.stream());
        o.put("param", client.param() == null || client.param().isEmpty() ? "" : "?" + client.param());
        if (action.equals("on_play")) {
            o.put("pageUrl", "");
        }
        o.put("stream_url", (key.isDefaultVhost() ? "" : key.vhost()) + "/" + key.app() + "/" + key.stream());
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The URL without the stream name: an RTMP client's tcUrl, an HTTP client's URL up to its last path segment. */
    static String tcUrl(Client client) {
        String url = client.url() == null ? "" : client.url();
        String stream = client.stream().stream();
        if (url.endsWith("/" + stream)) {
            return url.substring(0, url.length() - stream.length() - 1);
        }
        int query = url.indexOf('?');
        String path = query < 0 ? url : url.substring(0, query);
        int slash = path.lastIndexOf('/');
        return slash > path.indexOf("://") + 2 ? path.substring(0, slash) : path;
    }

    @Override
    public String toString() {
        return "http_hooks(" + settings.vhost() + ")";
    }
}
