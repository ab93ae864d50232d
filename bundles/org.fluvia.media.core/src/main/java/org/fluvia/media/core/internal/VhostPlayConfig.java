package org.fluvia.media.core.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One vhost's play settings (SRS {@code vhost NAME { play { ... } }}), a factory configuration per
 * vhost; the hub picks them up as services.
 */
@Component(service = VhostPlayConfig.class, configurationPid = VhostPlayConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = VhostPlayConfig.Config.class, factory = true)
public class VhostPlayConfig {

    static final String FACTORY_PID = "org.fluvia.media.core.vhost";

    @ObjectClassDefinition(name = "Fluvia vhost play settings",
            description = "GOP cache, reader queue length and timestamp correction of one vhost (SRS vhost.play).")
    public @interface Config {
        @AttributeDefinition(name = "vhost", description = "The vhost name; __defaultVhost__ for clients that name none.")
        String vhost() default "__defaultVhost__";

        @AttributeDefinition(name = "gop_cache", description = "Cache the current GOP so new players start at once.")
        boolean gop__cache() default true;

        @AttributeDefinition(name = "queue_length", description = "Seconds of media a player may fall behind before whole GOPs are dropped.")
        double queue__length() default 10;

        @AttributeDefinition(name = "time_jitter", description = "Timestamp correction at ingest.",
                options = {@org.osgi.service.metatype.annotations.Option(label = "full", value = "full"),
                        @org.osgi.service.metatype.annotations.Option(label = "zero", value = "zero"),
                        @org.osgi.service.metatype.annotations.Option(label = "off", value = "off")})
        String time__jitter() default "full";

        @AttributeDefinition(name = "gop_cache_max_frames", description = "Clear the GOP cache when it holds more frames than this.")
        int gop__cache__max__frames() default 2500;

        @AttributeDefinition(name = "mw_latency", description = "Write batching window in ms (SRS mw_latency): what is queued for a "
                + "player goes out in one write at most this often, when a video frame arrives: every frame when frames come a window "
                + "or more apart (default 30: up to 30 fps), else the stream's players take turns frame by frame; a stream without "
                + "video goes out every window. Larger saves CPU, adds latency (50: every other frame at 25 fps); 0 writes at once.")
        int mw__latency() default VhostSettings.DEFAULT_MW_LATENCY_MS;
    }

    private volatile VhostSettings settings = VhostSettings.DEFAULTS;

    @Activate
    void activate(Config config) {
        if (config.queue__length() <= 0) {
            throw new IllegalArgumentException("queue_length must be a positive number of seconds, not " + config.queue__length());
        }
        settings = new VhostSettings(config.vhost(), config.gop__cache(), (int) Math.round(config.queue__length() * 1000),
                TimeJitter.parse(config.time__jitter()), Math.max(1, config.gop__cache__max__frames()),
                Math.max(0, Math.min(10_000, config.mw__latency())));
    }

    VhostSettings settings() {
        return settings;
    }
}
