package io.trailsentry.pipeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Operator configuration, {@code trailsentry.*}: the same keys in {@code application.properties},
 * environment variables ({@code TRAILSENTRY_ENGINE_ALLOWED_LATENESS}), {@code -D} system properties and
 * the properties file given to {@code replay --config}. Detection tuning (thresholds, windows) lives in
 * the EPL files; {@link Rules#parameters()} only overrides it per deployment.
 */
@ConfigMapping(prefix = "trailsentry")
public interface TrailSentryConfig {

    Rules rules();

    Engine engine();

    Alerts alerts();

    DeadLetter deadLetter();

    Inbox inbox();

    interface Rules {
        /** Folder of {@code .epl} rule files, compiled at start-up. */
        @WithDefault("epl")
        Path dir();

        /**
         * Overrides of EPL variables by name, e.g. {@code trailsentry.rules.parameters.iam_enum_compat_threshold=30}.
         * An unknown name stops start-up with an error rather than being ignored.
         */
        Map<String, String> parameters();
    }

    interface Engine {
        /** How late (in event time, behind the newest event) a record may arrive and still be processed in order. */
        @WithDefault("5m")
        Duration allowedLateness();

        /**
         * Serve mode: after this long with no input, event time advances with the wall clock so open
         * windows close and report without waiting for new events.
         */
        @WithDefault("2s")
        Duration idleAdvanceAfter();
    }

    interface Alerts {
        /** JSON-lines file every alert is appended to (alertIds already in it are not written again). */
        @WithDefault("data/alerts.jsonl")
        Path file();

        /** Alerts kept in memory for {@code GET /alerts}. */
        @WithDefault("10000")
        int memoryCapacity();
    }

    interface DeadLetter {
        /** JSON-lines file of rejected records, each with its source, position and reason. */
        @WithDefault("data/dead-letter.jsonl")
        Path file();
    }

    interface Inbox {
        /** Serve mode: watch a folder and ingest every file dropped into it. */
        @WithDefault("true")
        boolean enabled();

        /** The watched folder; ingested files move to {@code processed/} under it. */
        @WithDefault("data/inbox")
        Path dir();

        @WithDefault("1s")
        Duration pollInterval();
    }
}
