package io.trailsentry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook alert sink, {@code trailsentry.sinks.webhook.*} (serve only: a replay of history does
 * not page anyone). Off until {@link #url()} is set. See docs/operations.md "Sinks".
 */
@ConfigMapping(prefix = "trailsentry.sinks.webhook")
public interface WebhookConfig {

    /** Where alerts are POSTed (http or https). Unset or empty: no webhook. */
    Optional<String> url();

    /** {@code alert} (the alert JSON), {@code ocsf} (an OCSF Detection Finding) or {@code slack} (a chat message). */
    @WithDefault("alert")
    String format();

    /**
     * Headers for every request, e.g. {@code trailsentry.sinks.webhook.headers.Authorization=Bearer …}.
     * Values are never logged; keep them out of files in version control (environment or {@code --config}).
     */
    Map<String, String> headers();

    /** Per request: connecting and waiting for the answer. */
    @WithDefault("10s")
    Duration timeout();

    /** Attempts per alert, the first included, before it goes to the dead letters. */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before the first retry; each further retry doubles it (with jitter) up to {@link #maxDelay()}. */
    @WithDefault("1s")
    Duration baseDelay();

    @WithDefault("60s")
    Duration maxDelay();

    /** Alerts waiting for delivery; beyond it new alerts go straight to the dead letters. */
    @WithDefault("1000")
    int queueCapacity();

    /** Alerts below this severity are not sent: Informational, Low, Medium, High or Critical. */
    @WithDefault("Informational")
    String minSeverity();

    /** Alerts that could not be delivered, one JSON line each with the reason. */
    @WithDefault("data/webhook-dead-letter.jsonl")
    Path deadLetterFile();

    /** Chat messages link here; {@code {alertId}} and {@code {incidentId}} are filled in. */
    Optional<String> link();

    /** At shutdown, how long queued alerts may still be delivered before the rest are dead-lettered. */
    @WithDefault("5s")
    Duration shutdownGrace();
}
