package org.fluvia.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;

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

/** Applies the SRS configuration file named by {@code fluvia.config} to Configuration Admin. */
@Component(immediate = true, service = {})
public final class SrsConfigLoader {

    /** Framework property naming the SRS .conf file; unset or empty means the built-in default. */
    public static final String CONFIG_PROPERTY = "fluvia.config";
    static final String DEFAULT_RESOURCE = "/org/fluvia/config/default.conf";
    static final String DEFAULT_NAME = "default.conf (built in)";

    private static final Logger LOG = LoggerFactory.getLogger(SrsConfigLoader.class);
    private static final String SOURCE_FILTER =
            "(" + SrsTranslator.SOURCE_KEY + "=" + SrsTranslator.SOURCE_VALUE + ")";

    @Reference
    private ConfigurationAdmin configAdmin;
    private String configFile;
    /** Warnings already logged; a reload repeats only new ones, so the log stays readable. */
    private final Set<String> loggedWarnings = new HashSet<>();

    public SrsConfigLoader() {
    }

    SrsConfigLoader(ConfigurationAdmin configAdmin, String configFile) {
        this.configAdmin = configAdmin;
        this.configFile = configFile;
    }

    @Activate
    void activate(BundleContext context) {
        configFile = context.getProperty(CONFIG_PROPERTY);
        reload();
    }

    /**
     * Re-reads the configuration file and applies it. On a parse or validation error nothing is
     * changed and one ERROR line says where the problem is.
     */
    public synchronized void reload() {
        Translation translation;
        try {
            translation = SrsTranslator.translate(read());
        } catch (SrsConfigException e) {
            LOG.error("Configuration not applied: {}", e.getMessage());
            return;
        }
        for (String warning : translation.warnings()) {
            if (loggedWarnings.add(warning)) {
                LOG.warn(warning);
            }
        }
        try {
            apply(translation);
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("Configuration from {} could not be stored in Configuration Admin: {}",
                    describeSource(), e.toString(), e);
        }
    }

    private SrsConfig read() throws SrsConfigException {
        if (configFile == null || configFile.isBlank()) {
            return SrsConfigParser.parse(defaultText(), DEFAULT_NAME);
        }
        return SrsConfigParser.parse(Path.of(configFile.trim()));
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
        return configFile == null || configFile.isBlank() ? DEFAULT_NAME : configFile;
    }

    private void apply(Translation translation) throws IOException, InvalidSyntaxException {
        Set<String> produced = new HashSet<>();
        for (ConfigurationSpec spec : translation.configurations()) {
            Configuration c = spec.isFactory()
                    ? configAdmin.getFactoryConfiguration(spec.factoryPid(), spec.name(), "?")
                    : configAdmin.getConfiguration(spec.pid(), "?");
            produced.add(c.getPid());
            if (c.updateIfDifferent(toDictionary(spec.properties()))) {
                LOG.info("Configuration {} set from {}", c.getPid(), describeSource());
            }
        }
        Configuration[] earlier = configAdmin.listConfigurations(SOURCE_FILTER);
        if (earlier != null) {
            for (Configuration c : earlier) {
                if (!produced.contains(c.getPid())) {
                    LOG.info("Configuration {} deleted: no longer in {}", c.getPid(), describeSource());
                    c.delete();
                }
            }
        }
    }

    private static Dictionary<String, Object> toDictionary(Map<String, Object> properties) {
        return new Hashtable<>(properties);
    }
}
