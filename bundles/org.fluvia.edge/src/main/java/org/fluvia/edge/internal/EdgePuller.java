package org.fluvia.edge.internal;

import org.fluvia.media.api.OnDemandProvider;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamObserver;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.rtmp.client.RtmpClient;
import org.fluvia.rtmp.client.RtmpClientSession;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SRS's edge ({@code cluster { mode remote; origin A B; }}) for one vhost: fills a stream a reader
 * asks for by pulling it from one of the origins, and proxies a stream published here to an origin.
 *
 * <p>Behaviour, SRS-like and bounded:
 * <ul>
 * <li>One pull per stream, however many readers arrive. It starts at the origin that worked last
 * (sticky) and on any failure (connect error, refusal, closed connection, garbage, no media for
 * {@code data_timeout} ms, including after {@code NetStream.Play.UnpublishNotify}) moves to the next
 * origin, round robin, after {@code retry_pause} ms; between rounds over the whole list the pause
 * doubles ({@link org.fluvia.rtmp.client.Backoff}). After {@code max_retries} rounds without an origin
 * that delivers media the pull gives up; the next reader arrival starts a new one.</li>
 * <li>The hub publication opens at the first media message (an origin answers
 * {@code NetStream.Play.Start} for streams it does not have) and stays open across a failover, so
 * RTMP and HTTP-FLV players keep their connections: after the switch they receive the new origin's
 * metadata, sequence headers and its stream from a keyframe on. The origin's timeline is kept, unless
 * the new origin's is more than 10 s off (a different publisher), then it is shifted to continue ours.
 * The publication closes (players are told Unpublish) only when the pull stops or gives up.</li>
 * <li>The pull stops {@code idle_grace} ms after the stream's last reader left; a reader that comes
 * back within the grace keeps it.</li>
 * <li>A stream published to this edge (not a pull) is pushed to the current origin, with the same
 * failover and bound; the publisher is never slowed (the push reads a bounded hub queue).</li>
 * </ul>
 * All state changes run on one thread of this component; media goes straight from the client's event
 * loop into the hub.
 */
@Component(service = {OnDemandProvider.class, StreamObserver.class}, immediate = true,
        configurationPid = EdgePuller.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EdgePuller.Config.class, factory = true)
public class EdgePuller implements OnDemandProvider, StreamObserver {

    static final String FACTORY_PID = "org.fluvia.edge";

    @ObjectClassDefinition(name = "Fluvia edge", description = "Pulls the streams of one vhost on demand from origin servers (SRS vhost.cluster mode remote).")
    public @interface Config {
        @AttributeDefinition(name = "vhost", description = "The vhost whose streams are pulled.")
        String vhost() default StreamKey.DEFAULT_VHOST;

        @AttributeDefinition(name = "origins", description = "Origin servers as host:port (or host, port 1935), tried in order, round robin.")
        String[] origins();

        @AttributeDefinition(name = "connect_timeout", description = "Milliseconds an origin may take to resolve, connect and start playing.")
        long connect__timeout() default 3000;

        @AttributeDefinition(name = "retry_pause", description = "Milliseconds between a failed origin and the next one; doubles between rounds.")
        long retry__pause() default 1000;

        @AttributeDefinition(name = "max_retries", description = "Rounds over the whole origin list without success before a pull gives up (until the next reader arrives).")
        int max__retries() default 2;

        @AttributeDefinition(name = "idle_grace", description = "Milliseconds a pull keeps running after the last reader left.")
        long idle__grace() default 5000;

        @AttributeDefinition(name = "data_timeout", description = "Milliseconds without media (e.g. after the origin's UnpublishNotify) before the pull moves to the next origin.")
        long data__timeout() default 5000;
    }

    /** Timelines further apart than this belong to different publishers: splice by shifting. */
    static final int REBASE_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(EdgePuller.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    @Reference
    RtmpClient client;

    @Reference
    StreamRegistry registry;

    private volatile Settings settings;
    private ScheduledThreadPoolExecutor actor;
    private ThreadPoolExecutor resolver;
    // Actor thread only.
    private final Map<StreamKey, Pull> pulls = new HashMap<>();
    private final Map<StreamKey, Push> pushes = new HashMap<>();
    /** The origin that delivered last (sticky); any thread reads it. */
    private volatile int preferredOrigin;

    /** The configuration as used: validated, origins parsed. */
    record Settings(String vhost, List<Origin> origins, long connectTimeoutMs, long retryPauseMs, int maxRetries,
                    long idleGraceMs, long dataTimeoutMs) {
    }

    @Activate
    void activate(Config config) {
        configure(config);
        int n = INSTANCES.incrementAndGet();
        actor = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "fluvia-edge-" + n));
        actor.setRemoveOnCancelPolicy(true);
        actor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // Name lookups block: they get threads of their own, so a slow DNS never holds up the edge.
        resolver = new ThreadPoolExecutor(0, 4, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                r -> daemon(r, "fluvia-edge-" + n + "-dns"));
    }

    @Modified
    void modified(Config config) {
        configure(config);
    }

    private void configure(Config config) {
        List<Origin> origins = new ArrayList<>();
        for (String s : config.origins() == null ? new String[0] : config.origins()) {
            try {
                origins.add(Origin.parse(s));
            } catch (IllegalArgumentException e) {
                LOG.warn("edge for vhost {}: ignoring {}; write host:port", config.vhost(), e.getMessage());
            }
        }
        if (origins.isEmpty()) {
            LOG.warn("edge for vhost {}: no usable origin configured, nothing will be pulled; set origins to host:port entries", config.vhost());
        }
        String vhost = config.vhost() == null || config.vhost().isBlank() ? StreamKey.DEFAULT_VHOST : config.vhost().trim();
        settings = new Settings(vhost, List.copyOf(origins),
                Math.max(100, config.connect__timeout()),
                Math.max(10, config.retry__pause()),
                Math.max(1, config.max__retries()),
                Math.max(0, config.idle__grace()),
                Math.max(500, config.data__timeout()));
        LOG.info("edge for vhost {}: origins {}", vhost, origins);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Deactivate
    void deactivate() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        try {
            actor.submit(() -> {
                for (Pull p : new ArrayList<>(pulls.values())) {
                    closing.add(p.stop("the edge stopped"));
                }
                for (Push p : new ArrayList<>(pushes.values())) {
                    closing.add(p.stop("the edge stopped"));
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("edge for vhost {}: stopping the pulls took too long", settings.vhost(), e);
        }
        actor.shutdownNow();
        resolver.shutdownNow();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            actor.awaitTermination(5, TimeUnit.SECONDS);
            resolver.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("edge for vhost {}: connections did not close in time", settings.vhost());
        }
    }

    Settings settings() {
        return settings;
    }

    int preferredOrigin() {
        return preferredOrigin;
    }

    void preferOrigin(int index) {
        preferredOrigin = index;
    }

    RtmpClient client() {
        return client;
    }

    Executor actorExecutor() {
        return this::run;
    }

    /** Runs {@code task} on the actor thread; after deactivation it is dropped. */
    void run(Runnable task) {
        try {
            actor.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("edge stopped, dropping a task");
        }
    }

    /** Like {@link #run}, but closes {@code orphan} when the edge has stopped and nobody else will. */
    void run(Runnable task, RtmpClientSession orphan) {
        try {
            actor.execute(task);
        } catch (RejectedExecutionException e) {
            if (orphan != null) {
                orphan.close();
            }
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        try {
            return actor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Resolves {@code host} to an address literal off the actor and the event loops. */
    CompletableFuture<String> resolve(String host) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return InetAddress.getByName(host).getHostAddress();
                } catch (java.net.UnknownHostException e) {
                    throw new java.util.concurrent.CompletionException(new java.net.UnknownHostException("cannot resolve " + host));
                }
            }, resolver);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    void removed(Pull pull) {
        pulls.remove(pull.key, pull);
    }

    void removed(Push push) {
        pushes.remove(push.key, push);
    }

    private boolean mine(StreamKey key) {
        Settings s = settings;
        return s.vhost().equals(key.vhost()) && !s.origins().isEmpty();
    }

    @Override
    public boolean provide(StreamKey key, StreamRegistry registry) {
        if (!mine(key) || actor == null || actor.isShutdown()) {
            return false;
        }
        // Decided on the actor, where pulls start and stop, so a reader arriving while a pull stops
        // always finds either the old pull still running or no pull (and starts one).
        run(() -> {
            Pull p = pulls.get(key);
            if (p == null) {
                Stream s = registry.stream(key);
                if (s != null && s.isPublished()) {
                    return; // someone published meanwhile
                }
                p = new Pull(this, key, registry);
                pulls.put(key, p);
                p.start();
            } else {
                p.readerArrived();
            }
        });
        return true;
    }

    @Override
    public void readersChanged(Stream stream) {
        StreamKey key = stream.key();
        if (!mine(key)) {
            return;
        }
        run(() -> {
            Pull p = pulls.get(key);
            if (p != null) {
                p.readersChanged(stream.readerCount());
            }
        });
    }

    @Override
    public void streamPublished(Stream stream) {
        if (stream.sourceKind() != SourceKind.PUBLISH || !mine(stream.key())) {
            return;
        }
        StreamKey key = stream.key();
        run(() -> {
            Push old = pushes.remove(key);
            if (old != null) {
                old.stop("the stream was published again");
            }
            Push p = new Push(this, key, registry);
            pushes.put(key, p);
            p.start();
        });
    }

    @Override
    public void streamUnpublished(Stream stream) {
        StreamKey key = stream.key();
        if (!mine(key)) {
            return;
        }
        run(() -> {
            Push p = pushes.get(key);
            if (p != null) {
                p.stop("the publisher left");
            }
        });
    }

    /** For tests and the console: keys with a pull running (actor snapshot). */
    List<StreamKey> pullKeys() throws Exception {
        return actor.submit(() -> List.copyOf(pulls.keySet())).get(5, TimeUnit.SECONDS);
    }

    List<StreamKey> pushKeys() throws Exception {
        return actor.submit(() -> List.copyOf(pushes.keySet())).get(5, TimeUnit.SECONDS);
    }
}
