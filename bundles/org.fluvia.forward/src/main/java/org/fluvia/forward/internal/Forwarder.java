package org.fluvia.forward.internal;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamObserver;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.rtmp.client.RtmpClient;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SRS {@code forward} for one vhost: every stream published here (not pulled) is pushed over RTMP to
 * each configured destination, one independent push per destination.
 */
@Component(service = StreamObserver.class, immediate = true, configurationPid = Forwarder.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = Forwarder.Config.class, factory = true)
public class Forwarder implements StreamObserver {

    public static final String FACTORY_PID = "org.fluvia.forward";
    static final int DEFAULT_PORT = 1935;
    private static final long INITIAL_BACKOFF_MS = 500;
    private static final long STOP_WAIT_MS = 5000;
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    @ObjectClassDefinition(name = "Fluvia forward", description = "Pushes every stream published on this node in one vhost to other origins (SRS vhost.forward).")
    public @interface Config {
        @AttributeDefinition(name = "vhost", description = "The vhost whose published streams are forwarded.")
        String vhost() default StreamKey.DEFAULT_VHOST;

        @AttributeDefinition(name = "destinations", description = "Where to push each stream: host:port, or host for port 1935.")
        String[] destinations() default {};

        @AttributeDefinition(name = "connect_timeout", description = "Milliseconds a push may take to connect and start publishing.")
        int connect__timeout() default 3000;

        @AttributeDefinition(name = "backoff_max", description = "Longest pause in milliseconds between two attempts to reach a destination (it starts at 500 and doubles).")
        int backoff__max() default 10000;
    }

    @Reference
    StreamRegistry registry;

    @Reference
    RtmpClient client;

    /** Guarded by this: the configuration and the pushes of each forwarded stream. */
    private String vhost;
    private List<String> destinations = List.of();
    private Push.Settings settings;
    private final Map<StreamKey, Forwarded> pushes = new HashMap<>();
    private boolean active;

    /** Runs the pushes: their timers and their hub subscriptions (sending hands over to each connection's loop). */
    private EventLoopGroup loops;
    private volatile boolean loopsTerminated;

    @Activate
    void activate(Config config) {
        synchronized (this) {
            loops = new DefaultEventLoopGroup(2, new DefaultThreadFactory("fluvia-forward", true));
            active = true;
        }
        configure(config);
    }

    @Modified
    void modified(Config config) {
        configure(config);
    }

    private void configure(Config config) {
        List<String> dests = parseDestinations(config.destinations());
        Push.Settings s = new Push.Settings(Math.max(100, config.connect__timeout()),
                INITIAL_BACKOFF_MS, Math.max(INITIAL_BACKOFF_MS, config.backoff__max()));
        String v = config.vhost() == null || config.vhost().isBlank() ? StreamKey.DEFAULT_VHOST : config.vhost().trim();
        synchronized (this) {
            if (!active) {
                return;
            }
            if (!v.equals(vhost)) {
                for (StreamKey key : new ArrayList<>(pushes.keySet())) {
                    stopStream(key);
                }
            }
            vhost = v;
            destinations = dests;
            settings = s;
            for (Map.Entry<StreamKey, Forwarded> e : pushes.entrySet()) {
                Map<String, Push> byDest = e.getValue().byDest;
                for (String d : new ArrayList<>(byDest.keySet())) {
                    if (!dests.contains(d)) {
                        LOG.info("[{} -> {}] destination removed: stopping its push", e.getKey(), d);
                        byDest.remove(d).stop();
                    }
                }
                for (String d : dests) {
                    if (!byDest.containsKey(d)) {
                        byDest.put(d, startPush(e.getKey(), e.getValue().publishedSince, d));
                    }
                }
            }
        }
        // Streams published before this configuration (or before the bundle started) are forwarded too.
        for (Stream stream : registry.streams()) {
            if (stream.isPublished()) {
                streamPublished(stream);
            }
        }
        LOG.info("forward for vhost {}: destinations {}", v, dests);
    }

    static List<String> parseDestinations(String[] raw) {
        Set<String> out = new LinkedHashSet<>();
        if (raw != null) {
            for (String r : raw) {
                if (r == null) {
                    continue;
                }
                for (String d : r.trim().split("[\\s,]+")) {
                    if (!d.isEmpty()) {
                        try {
                            out.add(normalize(d));
                        } catch (IllegalArgumentException e) {
                            LOG.warn("{}; ignoring it", e.getMessage());
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** {@code host:port}, with the RTMP port added when missing; rejects what is not a destination. */
    static String normalize(String dest) {
        String d = dest;
        if (d.startsWith("rtmp://")) {
            d = d.substring("rtmp://".length());
        }
        int colon = d.lastIndexOf(':');
        boolean bracketed = d.startsWith("[");
        if (colon < 0 || (bracketed && colon < d.indexOf(']'))) {
            return d + ":" + DEFAULT_PORT;
        }
        String port = d.substring(colon + 1);
        try {
            int p = Integer.parseInt(port);
            if (p <= 0 || p > 65535 || colon == 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("forward destination '" + dest + "' is not host or host:port (port 1-65535)");
        }
        return d;
    }

    @Override
    public void streamPublished(Stream stream) {
        StreamKey key = stream.key();
        synchronized (this) {
            if (!active || !key.vhost().equalsIgnoreCase(vhost)) {
                return;
            }
            if (stream.sourceKind() != SourceKind.PUBLISH) {
                // A republish may follow a pull or another publish: end what pushed the old source.
                stopStream(key);
                return;
            }
            long since = stream.publishedSince();
            Forwarded current = pushes.get(key);
            if (current != null) {
                if (current.publishedSince == since) {
                    return; // already forwarding this publication (activate raced the observer)
                }
                stopStream(key);
            }
            Forwarded f = new Forwarded(since);
            for (String d : destinations) {
                f.byDest.put(d, startPush(key, since, d));
            }
            pushes.put(key, f);
        }
    }

    @Override
    public void streamUnpublished(Stream stream) {
        synchronized (this) {
            if (stream.isPublished()) {
                return; // a new source took over already; streamPublished replaces the pushes
            }
            stopStream(stream.key());
        }
    }

    /** Lock held. */
    private Push startPush(StreamKey key, long publishedSince, String dest) {
        Push p = new Push(registry, client, loops.next(), key, dest, url(key, dest), publishedSince, settings);
        p.start();
        return p;
    }

    static String url(StreamKey key, String dest) {
        String url = "rtmp://" + dest + "/" + key.app() + "/" + key.stream();
        return key.isDefaultVhost() ? url : url + "?vhost=" + key.vhost();
    }

    /** Lock held. */
    private void stopStream(StreamKey key) {
        Forwarded f = pushes.remove(key);
        if (f != null) {
            for (Push p : f.byDest.values()) {
                p.stop();
            }
        }
    }

    @Deactivate
    void deactivate() {
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        EventLoopGroup group;
        synchronized (this) {
            active = false;
            for (Forwarded f : pushes.values()) {
                for (Push p : f.byDest.values()) {
                    stopped.add(p.stop());
                }
            }
            pushes.clear();
            group = loops;
            loops = null;
        }
        try {
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("forward for vhost {}: pushes still closing after {} ms", vhost, STOP_WAIT_MS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STOP_WAIT_MS);
            loopsTerminated = group.isTerminated();
        }
    }

    /** The pushes of one stream, by destination (tests). */
    synchronized Map<String, Push> pushes(StreamKey key) {
        Forwarded f = pushes.get(key);
        return f == null ? Map.of() : Map.copyOf(f.byDest);
    }

    /** One publication of a stream and its pushes, by destination. */
    private static final class Forwarded {
        final long publishedSince;
        final Map<String, Push> byDest = new HashMap<>();

        Forwarded(long publishedSince) {
            this.publishedSince = publishedSince;
        }
    }

    /** Whether deactivate saw its threads end (tests). */
    boolean loopsTerminated() {
        return loopsTerminated;
    }
}
