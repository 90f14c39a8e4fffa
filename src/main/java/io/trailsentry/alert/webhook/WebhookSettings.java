package io.trailsentry.alert.webhook;

import io.trailsentry.engine.Severity;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the webhook sink delivers, checked once at start-up so a typo stops the server with a clear
 * message instead of losing alerts later.
 *
 * @param headers        added to every request (e.g. an Authorization header); values are secrets and never logged
 * @param timeout        per request: connecting and waiting for the response
 * @param maxAttempts    attempts per alert, the first included; then the alert goes to the dead letters
 * @param queueCapacity  alerts waiting for delivery; when full, new alerts go straight to the dead letters
 * @param minSeverity    alerts below it are not sent
 * @param deadLetterFile JSON lines of alerts that could not be delivered, with the reason
 * @param linkTemplate   chat messages link here; {@code {alertId}} and {@code {incidentId}} are filled in; null for no link
 * @param shutdownGrace  at shutdown, how long queued alerts may still be delivered before the rest are dead-lettered
 */
public record WebhookSettings(
        URI url,
        WebhookFormat format,
        Map<String, String> headers,
        Duration timeout,
        int maxAttempts,
        Backoff backoff,
        int queueCapacity,
        Severity minSeverity,
        Path deadLetterFile,
        String linkTemplate,
        Duration shutdownGrace) {

    public WebhookSettings {
        if (url == null || !url.isAbsolute() || url.getHost() == null) {
            throw new IllegalArgumentException("webhook url must be an absolute http(s) URL, was " + redact(url));
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("webhook url must use http or https, was " + scheme);
        }
        headers = Map.copyOf(headers);
        positive("timeout", timeout);
        positive("shutdown-grace", shutdownGrace);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("webhook max-attempts must be at least 1, was " + maxAttempts);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("webhook queue-capacity must be at least 1, was " + queueCapacity);
        }
        if (format == null || backoff == null || minSeverity == null || deadLetterFile == null) {
            throw new IllegalArgumentException("webhook format, backoff, min-severity and dead-letter-file are required");
        }
    }

    /** The URL as logs may show it: scheme, host and port only. Chat webhook URLs carry their secret in the path. */
    public String redactedUrl() {
        return redact(url);
    }

    static String redact(URI url) {
        if (url == null) {
            return "(none)";
        }
        if (url.getHost() == null) {
            return "(not a URL)";
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "") + "/…";
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("webhook " + name + " must be positive, was " + value);
        }
    }
}
