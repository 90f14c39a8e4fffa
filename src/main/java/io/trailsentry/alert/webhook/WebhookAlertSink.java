package io.trailsentry.alert.webhook;

import io.trailsentry.config.ProductVersion;
import io.trailsentry.config.WebhookConfig;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.alert.webhook.Backoff;
import io.trailsentry.alert.webhook.WebhookFormat;
import io.trailsentry.alert.webhook.WebhookSettings;
import io.trailsentry.alert.webhook.WebhookSink;
import io.trailsentry.alert.webhook.WebhookStats;
import io.trailsentry.engine.Severity;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The server's webhook: a {@link WebhookSink} built from {@link WebhookConfig} when a URL is set,
 * nothing otherwise. Created at start-up, so a bad setting stops the server with its reason; its
 * counters are on {@code /q/metrics}.
 */
@Startup
@Singleton
public class WebhookAlertSink implements AlertSink {

    private static final Logger LOG = Logger.getLogger(WebhookAlertSink.class);

    private final WebhookSink sink;

    WebhookAlertSink(WebhookConfig config, MeterRegistry registry) {
        Optional<WebhookSettings> settings = settings(config);
        if (settings.isEmpty()) {
            this.sink = null;
            return;
        }
        try {
            this.sink = new WebhookSink(settings.get(), ProductVersion.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open webhook dead-letter file " + config.deadLetterFile() + ": " + e.getMessage(), e);
        }
        bindMetrics(registry);
        LOG.infof("webhook sink: %s alerts of severity %s and above to %s (%d header(s), %d attempts)",
                settings.get().format().lowerCase(), settings.get().minSeverity(), settings.get().redactedUrl(),
                settings.get().headers().size(), settings.get().maxAttempts());
    }

    /** The settings the config describes, or empty when no URL is set (the webhook is off). */
    static Optional<WebhookSettings> settings(WebhookConfig config) {
        Optional<String> url = config.url().map(String::trim).filter(u -> !u.isEmpty());
        if (url.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(url.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trailsentry.sinks.webhook.url is not a valid URL");
        }
        return Optional.of(new WebhookSettings(uri, WebhookFormat.parse(config.format()), config.headers(), config.timeout(),
                config.maxAttempts(), new Backoff(config.baseDelay(), config.maxDelay()), config.queueCapacity(),
                Severity.parse(config.minSeverity()), config.deadLetterFile(), config.link().orElse(null), config.shutdownGrace()));
    }

    @Override
    public void emit(Alert alert) {
        if (sink != null) {
            sink.emit(alert);
        }
    }

    /** The sink's counters, or null when the webhook is off. */
    public WebhookStats stats() {
        return sink == null ? null : sink.stats();
    }

    @PreDestroy
    void close() {
        if (sink != null) {
            sink.close();
        }
    }

    private void bindMetrics(MeterRegistry registry) {
        counter(registry, "trailsentry.webhook.sent", "alerts the webhook endpoint accepted", WebhookStats::sent);
        counter(registry, "trailsentry.webhook.retried", "webhook requests repeated after a failure", WebhookStats::retried);
        counter(registry, "trailsentry.webhook.failed", "alerts given up after their attempts (in the webhook dead letters)", WebhookStats::failed);
        counter(registry, "trailsentry.webhook.dropped", "alerts refused by a full webhook queue or at shutdown (in the webhook dead letters)", WebhookStats::dropped);
        Gauge.builder("trailsentry.webhook.queued", sink, s -> s.stats().queued())
                .description("alerts waiting for webhook delivery").register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<WebhookStats> value) {
        FunctionCounter.builder(name, sink, s -> value.applyAsDouble(s.stats())).description(description).register(registry);
    }
}
