package org.fluvia.http.server.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.fluvia.http.server.HttpRoute;
import org.fluvia.transport.EventLoops;
import org.fluvia.transport.ListenAddress;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP listener (SRS {@code http_server} or {@code http_api}): binds its ports and gives each
 * connection a pipeline ending in a {@link Dispatcher} over this listener's routes and static files.
 */
@Component(configurationPid = HttpServerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = HttpServerComponent.Config.class, factory = true)
public class HttpServerComponent {

    static final String PID = "org.fluvia.http.server";

    @ObjectClassDefinition(name = "Fluvia HTTP server",
            description = "An HTTP/1.1 listener of the media plane (SRS http_server or http_api): routes, static files, CORS.")
    public @interface Config {
        @AttributeDefinition(name = "name", description = "Listener name routes select with their fluvia.http.server "
                + "property: 'server' for SRS http_server, 'api' for http_api.")
        String name() default HttpRoute.DEFAULT_SERVER;

        @AttributeDefinition(name = "listen", description = "Ports or ip:port pairs to listen on, e.g. 8080 or 127.0.0.1:8080.")
        String[] listen() default {"8080"};

        @AttributeDefinition(name = "dir", description = "Directory of static files (SRS http_server.dir); empty serves none.")
        String dir() default "";

        @AttributeDefinition(name = "max_header_size", description = "Largest request header block in bytes; beyond it 431.")
        int max__header__size() default 8192;

        @AttributeDefinition(name = "max_uri_length", description = "Longest request line in bytes; beyond it 414.")
        int max__uri__length() default 4096;

        @AttributeDefinition(name = "max_body", description = "Largest request body in bytes; beyond it 413.")
        int max__body() default 65536;

        @AttributeDefinition(name = "idle_timeout", description = "Seconds a keep-alive connection may wait for its next "
                + "request, and a client may stop reading a response, before it is closed.")
        int idle__timeout() default 60;
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerComponent.class);
    private static final AtomicLong CLIENT_IDS = new AtomicLong();

    /** A bound route with what orders and selects it. */
    private record RouteEntry(HttpRoute route, String server, int ranking, long serviceId) {
    }

    private static final Comparator<RouteEntry> ORDER = Comparator
            .comparingInt(RouteEntry::ranking).reversed()
            .thenComparingLong(RouteEntry::serviceId);

    @Reference
    EventLoops loops;

    private final List<RouteEntry> allRoutes = new ArrayList<>(); // guarded by this
    private volatile HttpRoute[] routes = new HttpRoute[0];
    private volatile String name = HttpRoute.DEFAULT_SERVER;
    private final List<Channel> listeners = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private ChannelGroup clients;
    private StaticFiles files;
    /** Where the static files are looked up (the file system can block; the event loops must not). */
    private ExecutorService fileLookups;
    /** Makes {@link #fileLookups}; tests put a slower one in. */
    java.util.function.Supplier<ExecutorService> newFileLookups =
            () -> Executors.newFixedThreadPool(2, new DefaultThreadFactory("fluvia-http-files", true));
    private Config config;

    @Activate
    void activate(Config config) throws InterruptedException {
        this.config = config;
        this.name = config.name().isBlank() ? HttpRoute.DEFAULT_SERVER : config.name().trim();
        check(config.max__header__size() > 0, "max_header_size must be positive, not " + config.max__header__size());
        check(config.max__uri__length() > 0, "max_uri_length must be positive, not " + config.max__uri__length());
        check(config.max__body() >= 0, "max_body must not be negative, not " + config.max__body());
        check(config.idle__timeout() >= 0, "idle_timeout must not be negative (0 disables it), not " + config.idle__timeout());
        check(config.listen().length > 0, "listen is empty: give a port such as 8080 or ip:port");
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String listen : config.listen()) {
            addresses.add(ListenAddress.parse(listen));
        }
        if (!config.dir().isBlank()) {
            fileLookups = newFileLookups.get();
            files = new StaticFiles(Path.of(config.dir().trim()), fileLookups);
        }
        selectRoutes();
        // stayClosed: a connection accepted while we stop is closed, not kept.
        clients = new DefaultChannelGroup("http-" + name, GlobalEventExecutor.INSTANCE, true);
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.acceptorGroup(), loops.ioGroup())
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Bounds what a client that does not read can make us hold: routes stop writing when unwritable.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        try {
            for (InetSocketAddress address : addresses) {
                Channel ch = bind(b, address);
                listeners.add(ch);
                LOG.info("HTTP {} listening on {}{}", name, ch.localAddress(), files == null ? "" : ", files from " + config.dir());
            }
        } catch (Exception e) {
            closeListeners();
            stopFileLookups();
            throw e;
        }
    }

    private void stopFileLookups() {
        if (fileLookups != null) {
            fileLookups.shutdown(); // a lookup still running answers a closed connection: nothing
            fileLookups = null;
        }
    }

    /**
     * Binds, retrying a refused bind for a short while: right after a stop, the kernel can still hold
     * the port for a closing connection (an unacknowledged FIN) even with SO_REUSEADDR.
     */
    private static Channel bind(ServerBootstrap b, InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            ChannelFuture f = b.bind(address).await();
            if (f.isSuccess() || !(f.cause() instanceof BindException) || System.nanoTime() > deadline) {
                return f.sync().channel();
            }
            LOG.debug("HTTP: {} busy, retrying: {}", address, f.cause().toString());
            Thread.sleep(50);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The HTTP codec's name in every connection's pipeline ({@link Exchange#writeChunk} writes below it). */
    static final String CODEC = "codec";
    /** The idle-timeout handler's name; absent when idle_timeout is 0. */
    static final String IDLE = "idle";

    private void accept(SocketChannel ch) {
        long id = CLIENT_IDS.incrementAndGet();
        connections.incrementAndGet();
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        clients.add(ch);
        Config c = config;
        ConnectionGuard guard = new ConnectionGuard("[http " + name + " client=" + id + " " + ch.remoteAddress() + "]");
        ChannelPipeline p = ch.pipeline();
        p.addLast(CODEC, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(c.max__uri__length())
                .setMaxHeaderSize(c.max__header__size())));
        if (c.idle__timeout() > 0) {
            // observeOutput: a client that reads slowly is making progress; one that stopped is not.
            p.addLast(IDLE, new IdleStateHandler(true, c.idle__timeout(), c.idle__timeout(), 0, TimeUnit.SECONDS));
        }
        p.addLast("guard", guard);
        p.addLast("keepAlive", new HttpServerKeepAliveHandler());
        p.addLast("aggregator", new HttpObjectAggregator(c.max__body(), true));
        p.addLast("dispatcher", new Dispatcher(guard, () -> routes, files));
    }

    /** Open client connections (for tests and the console). */
    int connectionCount() {
        return connections.get();
    }

    @Reference(service = HttpRoute.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeRoute")
    void addRoute(HttpRoute route, Map<String, Object> properties) {
        Object server = properties.get(HttpRoute.SERVER_PROPERTY);
        Object ranking = properties.get("service.ranking");
        Object id = properties.get("service.id");
        synchronized (this) {
            allRoutes.add(new RouteEntry(route,
                    server == null ? HttpRoute.DEFAULT_SERVER : server.toString().trim(),
                    ranking instanceof Integer r ? r : 0,
                    id instanceof Long l ? l : Long.MAX_VALUE));
            selectRoutes();
        }
    }

    void removeRoute(HttpRoute route, Map<String, Object> properties) {
        Object id = properties.get("service.id");
        synchronized (this) {
            // By service id when known: the same object may be registered twice.
            boolean removed = id instanceof Long l && allRoutes.removeIf(e -> e.route() == route && e.serviceId() == l);
            if (!removed) {
                for (int i = 0; i < allRoutes.size(); i++) {
                    if (allRoutes.get(i).route() == route) {
                        allRoutes.remove(i);
                        break;
                    }
                }
            }
            selectRoutes();
        }
    }

    /** Rebuilds the array dispatchers read: this listener's routes, highest ranking first. */
    private synchronized void selectRoutes() {
        String me = name;
        routes = allRoutes.stream()
                .filter(e -> e.server().equals(me))
                .sorted(ORDER)
                .map(RouteEntry::route)
                .toArray(HttpRoute[]::new);
    }

    private void closeListeners() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            awaitSocketsReleased(Set.of(ch.eventLoop()));
        }
        listeners.clear();
    }

    /**
     * NIO closes a socket registered with a selector only at that selector's next select, after the
     * close future is done: two round trips through each loop make sure the sockets (and the port)
     * are really gone when deactivate returns.
     */
    private static void awaitSocketsReleased(Set<EventLoop> loops) {
        for (EventLoop loop : loops) {
            for (int i = 0; i < 2; i++) {
                try {
                    loop.submit(() -> { }).awaitUninterruptibly(5, TimeUnit.SECONDS);
                } catch (RejectedExecutionException e) {
                    break; // the loop is shutting down, which closes everything anyway
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        closeListeners();
        if (clients != null) {
            Set<EventLoop> clientLoops = new HashSet<>();
            clients.forEach(ch -> clientLoops.add(ch.eventLoop()));
            clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            awaitSocketsReleased(clientLoops);
        }
        stopFileLookups();
        LOG.info("HTTP {} stopped", name);
    }
}
