package org.fluvia.media.core.internal;

import org.fluvia.media.api.OnDemandProvider;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamBusyException;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamObserver;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The node's stream registry: creates streams on first publish or play, asks on-demand providers for
 * streams nobody publishes, tells observers, and removes a stream once it has neither source nor
 * reader.
 */
@Component(service = StreamRegistry.class)
public class StreamHub implements StreamRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

    private final ConcurrentHashMap<StreamKey, HubStream> streams = new ConcurrentHashMap<>();
    private final List<Lazy<StreamObserver>> observers = new CopyOnWriteArrayList<>();
    private final List<Lazy<OnDemandProvider>> providers = new CopyOnWriteArrayList<>();
    private final List<VhostPlayConfig> vhosts = new CopyOnWriteArrayList<>();

    /**
     * A whiteboard service taken when the hub first needs it. Observers and providers (HLS, forward,
     * edge) reference the registry themselves: taking them while the hub activates would be a
     * circular activation, which SCR refuses with an error.
     */
    private static final class Lazy<S> {
        final ComponentServiceObjects<S> objects;
        final S direct;
        private volatile S service;

        Lazy(ComponentServiceObjects<S> objects, S direct) {
            this.objects = objects;
            this.direct = direct;
            this.service = direct;
        }

        S get() {
            S s = service;
            if (s == null) {
                synchronized (this) {
                    if (service == null) {
                        service = objects.getService();
                    }
                    s = service;
                }
            }
            return s;
        }

        synchronized void release() {
            if (objects != null && service != null) {
                objects.ungetService(service);
                service = null;
            }
        }
    }

    @Reference(service = StreamObserver.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindObserver")
    void bindObserver(ComponentServiceObjects<StreamObserver> objects) {
        observers.add(new Lazy<>(objects, null));
    }

    void unbindObserver(ComponentServiceObjects<StreamObserver> objects) {
        unbind(observers, objects);
    }

    @Reference(service = OnDemandProvider.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindProvider")
    void bindProvider(ComponentServiceObjects<OnDemandProvider> objects) {
        providers.add(new Lazy<>(objects, null));
    }

    void unbindProvider(ComponentServiceObjects<OnDemandProvider> objects) {
        unbind(providers, objects);
    }

    private static <S> void unbind(List<Lazy<S>> list, ComponentServiceObjects<S> objects) {
        for (Lazy<S> l : list) {
            if (l.objects == objects) {
                list.remove(l);
                l.release();
            }
        }
    }

    /** Adds an observer object directly (components used as plain objects in tests). */
    void addObserver(StreamObserver observer) {
        observers.add(new Lazy<>(null, observer));
    }

    void removeObserver(StreamObserver observer) {
        observers.removeIf(l -> l.direct == observer);
    }

    /** Adds a provider object directly (components used as plain objects in tests). */
    void addProvider(OnDemandProvider provider) {
        providers.add(new Lazy<>(null, provider));
    }

    void removeProvider(OnDemandProvider provider) {
        providers.removeIf(l -> l.direct == provider);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addVhost(VhostPlayConfig vhost) {
        vhosts.add(vhost);
    }

    void removeVhost(VhostPlayConfig vhost) {
        vhosts.remove(vhost);
    }

    VhostSettings settings(String vhost) {
        VhostSettings fallback = null;
        for (VhostPlayConfig c : vhosts) {
            VhostSettings s = c.settings();
            if (s.vhost().equals(vhost)) {
                return s;
            }
            if (StreamKey.DEFAULT_VHOST.equals(s.vhost())) {
                fallback = s;
            }
        }
        return fallback != null ? fallback : VhostSettings.DEFAULTS;
    }

    @Override
    public String resolveVhost(String requested) {
        if (requested != null) {
            for (VhostPlayConfig c : vhosts) {
                if (c.settings().vhost().equalsIgnoreCase(requested)) {
                    return c.settings().vhost();
                }
            }
        }
        return StreamKey.DEFAULT_VHOST;
    }

    @Override
    public Publication publish(StreamKey key, SourceKind kind, String description) throws StreamBusyException {
        while (true) {
            HubStream stream = streams.computeIfAbsent(key, k -> new HubStream(this, k, settings(k.vhost())));
            HubPublication p = stream.attachSource(kind, description, settings(key.vhost()));
            if (p != null) {
                LOG.info("[{}] published by {}", key, description);
                each(o -> o.streamPublished(stream));
                return p;
            }
            streams.remove(key, stream); // it was being removed: make a new one
        }
    }

    @Override
    public Subscription subscribe(StreamKey key, StreamReader reader) {
        while (true) {
            HubStream stream = streams.computeIfAbsent(key, k -> new HubStream(this, k, settings(k.vhost())));
            HubSubscription sub = stream.addReader(reader);
            if (sub != null) {
                if (!stream.isPublished()) {
                    askProviders(key);
                }
                return sub;
            }
            streams.remove(key, stream);
        }
    }

    private void askProviders(StreamKey key) {
        for (Lazy<OnDemandProvider> lazy : providers) {
            OnDemandProvider p = lazy.get();
            if (p == null) {
                continue; // its component could not be activated; SCR logged why
            }
            try {
                if (p.provide(key, this)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("[{}] on-demand provider {} failed", key, p, e);
            }
        }
    }

    @Override
    public Stream stream(StreamKey key) {
        return streams.get(key);
    }

    @Override
    public Collection<Stream> streams() {
        return new ArrayList<>(streams.values());
    }

    void unpublished(HubStream stream, boolean remove) {
        LOG.info("[{}] unpublished", stream.key());
        each(o -> o.streamUnpublished(stream));
        if (remove) {
            remove(stream);
        }
    }

    void readersChanged(HubStream stream) {
        each(o -> o.readersChanged(stream));
    }

    void remove(HubStream stream) {
        streams.remove(stream.key(), stream);
    }

    private void each(Consumer<StreamObserver> call) {
        for (Lazy<StreamObserver> lazy : observers) {
            StreamObserver o = lazy.get();
            if (o == null) {
                continue;
            }
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                LOG.warn("stream observer {} failed", o, e);
            }
        }
    }

    @Deactivate
    void deactivate() {
        for (HubStream s : streams.values()) {
            s.shutdown();
        }
        streams.clear();
    }
}
