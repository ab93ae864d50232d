package org.fluvia.http.flv.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.fluvia.http.server.HttpExchange;
import org.fluvia.http.server.HttpRoute;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SRS {@code http_remux} for one vhost: answers {@code GET [vhost]/[app]/[stream].flv} with the live
 * stream as FLV over chunked HTTP.
 */
@Component(service = HttpRoute.class, configurationPid = HttpFlvRemux.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = HttpRoute.SERVER_PROPERTY + "=" + HttpRoute.DEFAULT_SERVER)
@Designate(ocd = HttpFlvRemux.Config.class, factory = true)
public class HttpFlvRemux implements HttpRoute {

    static final String FACTORY_PID = "org.fluvia.http.flv";

    @ObjectClassDefinition(name = "Fluvia HTTP-FLV", description = "Live streams as FLV over HTTP for one vhost (SRS vhost.http_remux).")
    public @interface Config {
        @AttributeDefinition(name = "vhost", description = "The vhost whose streams are served.")
        String vhost() default StreamKey.DEFAULT_VHOST;

        @AttributeDefinition(name = "mount", description = "URL template with [vhost], [app] and [stream]; [vhost]/ drops out for the default vhost.")
        String mount() default "[vhost]/[app]/[stream].flv";

        @AttributeDefinition(name = "hstrs", description = "Wait for a stream that is not published yet (and ask the on-demand providers, e.g. an edge pull).")
        boolean hstrs() default false;

        @AttributeDefinition(name = "hstrs_timeout", description = "Seconds a request waits for an unpublished stream before 404.")
        int hstrs__timeout() default 10;
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpFlvRemux.class);

    @Reference
    StreamRegistry registry;

    @Reference
    ClientRegistry clients;

    private MountTemplate mount;
    private boolean hstrs;
    private int hstrsTimeoutMs;
    private final Set<FlvPlayer> players = ConcurrentHashMap.newKeySet();

    @Activate
    void activate(Config config) {
        mount = new MountTemplate(config.vhost(), config.mount());
        hstrs = config.hstrs();
        hstrsTimeoutMs = Math.max(1, config.hstrs__timeout()) * 1000;
        LOG.info("HTTP-FLV for vhost {} at {}{}", config.vhost(), config.mount(), hstrs ? " (hstrs on)" : "");
    }

    @Deactivate
    void deactivate() {
        for (FlvPlayer p : players) {
            p.end("the HTTP-FLV bundle stopped");
        }
        players.clear();
    }

    @Override
    public boolean handle(HttpExchange exchange) {
        String path = exchange.path();
        if (!path.endsWith(".flv")) {
            return false;
        }
        StreamKey key = mount.match(path);
        if (key == null) {
            return false;
        }
        HttpMethod method = exchange.request().method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            exchange.respondError(HttpResponseStatus.METHOD_NOT_ALLOWED, "HTTP-FLV answers GET only");
            return true;
        }
        Stream stream = registry.stream(key);
        boolean published = stream != null && stream.isPublished();
        if (!published && !hstrs) {
            exchange.respondError(HttpResponseStatus.NOT_FOUND, "stream " + key + " is not published");
            return true;
        }
        if (exchange.isHead()) {
            exchange.respond(HttpResponseStatus.OK, "video/x-flv", io.netty.buffer.Unpooled.EMPTY_BUFFER, null);
            return true;
        }
        FlvPlayer player = new FlvPlayer(key, exchange, hstrsTimeoutMs, players::remove);
        players.add(player);
        player.start(registry, clients);
        return true;
    }
}
