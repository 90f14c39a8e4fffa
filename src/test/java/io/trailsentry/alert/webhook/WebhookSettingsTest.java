package io.trailsentry.alert.webhook;

import io.trailsentry.engine.Severity;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSettingsTest {

    @Test
    void logsSeeTheHostNeverThePathWhereChatWebhooksKeepTheirSecret() {
        WebhookSettings settings = settings("https://hooks.slack.com/services/T000/B000/XXXXSECRET", 5);
        assertThat(settings.redactedUrl()).isEqualTo("https://hooks.slack.com/…").doesNotContain("SECRET");
        assertThat(settings("http://127.0.0.1:8099/hook?token=abc", 5).redactedUrl()).isEqualTo("http://127.0.0.1:8099/…");
    }

    @Test
    void settingsThatCannotWorkStopStartUpWithTheReason() {
        assertThatThrownBy(() -> settings("ftp://example.org/x", 5)).hasMessageContaining("must use http or https");
        assertThatThrownBy(() -> settings("/relative/path", 5)).hasMessageContaining("absolute http(s) URL");
        assertThatThrownBy(() -> settings("https://example.org/x", 0)).hasMessageContaining("max-attempts must be at least 1");
        assertThatThrownBy(() -> WebhookFormat.parse("xml")).hasMessage("webhook format 'xml' is not one of alert, ocsf, slack");
        assertThat(WebhookFormat.parse(" Slack ")).isEqualTo(WebhookFormat.SLACK);
    }

    @Test
    void aRestrictedHeaderIsRefusedByNameWithoutShowingItsValue() {
        WebhookSettings base = settings("http://127.0.0.1:9/hook", 1);
        WebhookSettings withHost = new WebhookSettings(base.url(), base.format(), Map.of("Host", "secret-value"), base.timeout(),
                base.maxAttempts(), base.backoff(), base.queueCapacity(), base.minSeverity(), base.deadLetterFile(), null, base.shutdownGrace());
        assertThatThrownBy(() -> new WebhookSink(withHost, "test"))
                .hasMessageContaining("'Host'").hasMessageNotContaining("secret-value");
    }

    static WebhookSettings settings(String url, int maxAttempts) {
        return new WebhookSettings(URI.create(url), WebhookFormat.ALERT, Map.of(), Duration.ofSeconds(5), maxAttempts,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)), 10, Severity.Informational,
                Path.of("target/test-data/webhook-settings-dead-letter.jsonl"), null, Duration.ofSeconds(1));
    }
}
