package org.fluvia.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.fluvia.config.srs.ConfigReloader;
import org.fluvia.config.srs.ConfigurationSpec;
import org.fluvia.config.srs.SrsConfig;
import org.fluvia.config.srs.SrsConfigException;
import org.fluvia.config.srs.SrsConfigParser;
import org.fluvia.config.srs.SrsTranslator;
import org.fluvia.config.srs.Translation;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the SRS configuration file named by {@code fluvia.config}, with the {@code SRS_*}
 * environment variables over it, to Configuration Admin; with {@code fluvia.config.env=true}
 * ({@code fluvia -e}) the environment alone. {@link #reload()} (SIGHUP, through the
 * {@link ConfigReloader} service) applies only what changed.
 */
@Component(immediate = true, service = ConfigReloader.class)
public final class SrsConfigLoader implements ConfigReloader {

    /** Framework property naming the SRS .conf file; unset or empty means the built-in default. */
    public static final String CONFIG_PROPERTY = "fluvia.config";
    /** Framework property: "true" configures from the environment only ({@code fluvia -e}). */
    public static final String ENV_ONLY_PROPERTY = "fluvia.config.env";
    /**
     * Framework property ({@code fluvia --host IP}): this node's host address. A {@code listen} of
     * the RTMP server or of an HTTP server (http_server, http_api) given as a bare port binds
     * {@code IP:port}; explicit {@code ip:port} values stay. Several nodes with the same ports can
     * then run on one machine, each on its own address (SRS's {@code listen 1945;} binds all).
     */
    public static final String HOST_PROPERTY = "fluvia.host";
    static final String DEFAULT_RESOURCE = "/org/fluvia/config/default.conf";
    static final String DEFAULT_NAME = "default.conf (built in)";

    private static final Logger LOG = LoggerFactory.getLogger(SrsConfigLoader.class);
    private static final String SOURCE_FILTER =
            "(" + SrsTranslator.SOURCE_KEY + "=" + SrsTranslator.SOURCE_VALUE + ")";

    @Reference
    private ConfigurationAdmin configAdmin;
    private String configFile;
    private boolean envOnly;
    private String host;
    private Supplier<Map<String, String>> environment = System::getenv;
    /** Warnings already logged; a reload repeats only new ones, so the log stays readable. */
    private final Set<String> loggedWarnings = new HashSet<>();

    public SrsConfigLoader() {
    }

    SrsConfigLoader(ConfigurationAdmin configAdmin, String configFile) {
        this(configAdmin, configFile, false, Map::of);
    }

    SrsConfigLoader(ConfigurationAdmin configAdmin, String configFile, boolean envOnly,
            Supplier<Map<String, String>> environment) {
        this(configAdmin, configFile, envOnly, environment, null);
    }

    SrsConfigLoader(ConfigurationAdmin configAdmin, String configFile, boolean envOnly,
            Supplier<Map<String, String>> environment, String host) {
        this.configAdmin = configAdmin;
        this.configFile = configFile;
        this.envOnly = envOnly;
        this.environment = environment;
        this.host = host;
    }

    @Activate
    void activate(BundleContext context) {
        configFile = context.getProperty(CONFIG_PROPERTY);
        envOnly = Boolean.parseBoolean(context.getProperty(ENV_ONLY_PROPERTY));
        host = context.getProperty(HOST_PROPERTY);
        reload();
    }

    /**
     * Re-reads the configuration file and applies it. On a parse or validation error nothing is
     * changed and one ERROR line says where the problem is.
     */
    @Override
    public synchronized boolean reload() {
        Translation translation;
        try {
            translation = withHost(SrsTranslator.translate(read()), host);
        } catch (SrsConfigException e) {
            LOG.error("Configuration not applied: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("Configuration from {} not applied: {}", describeSource(), e.toString(), e);
            return false;
        }
        for (String warning : translation.warnings()) {
            if (loggedWarnings.add(warning)) {
                LOG.warn(warning);
            }
        }
        try {
            apply(translation);
            return true;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("Configuration from {} could not be stored in Configuration Admin: {}",
                    describeSource(), e.toString(), e);
            return false;
        }
    }

    private SrsConfig read() throws SrsConfigException {
        Map<String, String> env = environment.get();
        if (envOnly) {
            return SrsConfig.fromEnvironment(env);
        }
        SrsConfig file = configFile == null || configFile.isBlank()
                ? SrsConfigParser.parse(defaultText(), DEFAULT_NAME)
                : SrsConfigParser.parse(Path.of(configFile.trim()));
        return file.withEnvironment(env);
    }

    static String defaultText() {
        try (InputStream in = SrsConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundle resource " + DEFAULT_RESOURCE + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String describeSource() {
        if (envOnly) {
            return "the environment (SRS_*)";
        }
        return configFile == null || configFile.isBlank() ? DEFAULT_NAME : configFile;
    }

    private void apply(Translation translation) throws IOException, InvalidSyntaxException {
        int changed = 0;
        int deleted = 0;
        Set<String> produced = new HashSet<>();
        for (ConfigurationSpec spec : translation.configurations()) {
            Configuration c = spec.isFactory()
                    ? configAdmin.getFactoryConfiguration(spec.factoryPid(), spec.name(), "?")
                    : configAdmin.getConfiguration(spec.pid(), "?");
            produced.add(c.getPid());
            if (c.updateIfDifferent(toDictionary(spec.properties()))) {
                LOG.info("Configuration {} set from {}", c.getPid(), describeSource());
                changed++;
            }
        }
        Configuration[] earlier = configAdmin.listConfigurations(SOURCE_FILTER);
        if (earlier != null) {
            for (Configuration c : earlier) {
                if (!produced.contains(c.getPid())) {
                    LOG.info("Configuration {} deleted: no longer in {}", c.getPid(), describeSource());
                    c.delete();
                    deleted++;
                }
            }
        }
        LOG.info("Configuration from {} applied: {} changed, {} deleted, {} unchanged", describeSource(),
                changed, deleted, produced.size() - changed);
    }

    /**
     * The translation with every bare-port {@code listen} of the RTMP server and of the HTTP
     * servers bound to {@code host} ({@link #HOST_PROPERTY}); unchanged when host is null or blank.
     */
    static Translation withHost(Translation translation, String host) {
        if (host == null || host.isBlank()) {
            return translation;
        }
        String h = host.trim();
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]"; // IPv6
        }
        List<ConfigurationSpec> specs = new ArrayList<>();
        for (ConfigurationSpec spec : translation.configurations()) {
            boolean listens = SrsTranslator.RTMP_SERVER_PID.equals(spec.pid())
                    || SrsTranslator.HTTP_SERVER_FACTORY_PID.equals(spec.factoryPid());
            Object listen = spec.properties().get("listen");
            if (listens && listen instanceof String[] values) {
                String[] bound = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    String v = values[i].trim();
                    bound[i] = v.chars().allMatch(Character::isDigit) ? h + ":" + v : v;
                }
                Map<String, Object> p = new LinkedHashMap<>(spec.properties());
                p.put("listen", bound);
                spec = new ConfigurationSpec(spec.pid(), spec.factoryPid(), spec.name(), p);
            }
            specs.add(spec);
        }
        return new Translation(specs, translation.warnings());
    }

    private static Dictionary<String, Object> toDictionary(Map<String, Object> properties) {
        return new Hashtable<>(properties);
    }
}
