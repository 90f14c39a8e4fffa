package io.trailsentry.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.trailsentry.config.TrailSentryConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads {@link TrailSentryConfig} for the commands that run without booting Quarkus (replay, bench,
 * rules): the same mapping, defaults and keys as the server, from {@code application.properties},
 * environment, system properties and, above them all, the file given with {@code --config}.
 */
public final class StandaloneConfig {

    /** Above system properties (400): a file named on the command line is the most specific intent. */
    private static final int CONFIG_FILE_ORDINAL = 450;
    private static final int APPLICATION_PROPERTIES_ORDINAL = 250;

    private StandaloneConfig() {
    }

    public static TrailSentryConfig load(Path configFile) {
        return read(configFile).getConfigMapping(TrailSentryConfig.class);
    }

    /**
     * The whole configuration, for commands that need more than {@link TrailSentryConfig} (replay
     * reads {@link OcsfFileConfig}). The sinks' mappings are registered even where unused, so a config
     * file shared with the server, webhook keys and all, reads here too.
     */
    public static SmallRyeConfig read(Path configFile) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                // Quarkus' short durations ("5m", "2s") so a file works for serve and replay alike.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(TrailSentryConfig.class)
                .withMapping(OcsfFileConfig.class)
                .withMapping(WebhookConfig.class)
                // The server's own sections: listed so their keys in application.properties are known here too.
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200, new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withMapping(io.trailsentry.config.ApiAuthConfig.class)
                .withMapping(IngestConfig.class)
                .withMapping(ArchiveConfig.class)
                .withMapping(BacktestConfig.class)
                .withMapping(HealthConfig.class)
                .withMapping(io.trailsentry.config.IncidentStoreConfig.class);
        URL applicationProperties = StandaloneConfig.class.getClassLoader().getResource("application.properties");
        try {
            if (applicationProperties != null) {
                builder.withSources(new PropertiesConfigSource(applicationProperties, APPLICATION_PROPERTIES_ORDINAL));
            }
            if (configFile != null) {
                if (!Files.isRegularFile(configFile)) {
                    throw new IllegalArgumentException("--config " + configFile + ": no such file");
                }
                builder.withSources(new PropertiesConfigSource(configFile.toUri().toURL(), CONFIG_FILE_ORDINAL));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + configFile + ": " + e.getMessage(), e);
        }
        return builder.build();
    }
}
