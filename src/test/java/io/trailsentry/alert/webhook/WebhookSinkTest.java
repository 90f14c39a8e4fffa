package io.trailsentry.alert.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.alert.SampleAlerts;
import io.trailsentry.engine.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.trailsentry.alert.webhook.StubWebhookEndpoint.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook sink against a real HTTP server on loopback: retries until delivered, gives up into the
 * dead letters, and never holds up the caller (the engine thread) while the endpoint hangs. Backoff is
 * a few milliseconds here, so the retries cost nothing.
 */
class WebhookSinkTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    StubWebhookEndpoint endpoint;
    final List<WebhookSink> sinks = new ArrayList<>();

    @BeforeEach
    void startEndpoint() throws Exception {
        endpoint = StubWebhookEndpoint.start();
    }

    @AfterEach
    void stop() {
        endpoint.release();
        sinks.forEach(WebhookSink::close);
        endpoint.close();
    }

    @Test
    void failingRequestsAreRetriedAndTheAlertDeliveredExactlyOnce() throws Exception {
        endpoint.failNext(2, 503);
        WebhookSink sink = sink(settings(WebhookFormat.ALERT, 5, 1000, Duration.ofSeconds(5)));
        Alert alert = signal();

        sink.emit(alert);

        assertThat(await(() -> sink.stats().sent() == 1, WAIT)).as("delivered").isTrue();
        sink.close();
        assertThat(endpoint.received()).extracting(StubWebhookEndpoint.Received::answeredWith).containsExactly(503, 503, 200);
        assertThat(endpoint.accepted()).isEqualTo(1);
        assertThat(endpoint.received()).extracting(StubWebhookEndpoint.Received::body).containsOnly(AlertJson.mapper().writeValueAsString(alert));
        assertThat(sink.stats()).isEqualTo(new WebhookStats(1, 2, 0, 0, 0, 0, 0));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void anEndpointThatKeepsFailingCostsTheConfiguredAttemptsThenTheAlertIsDeadLettered() throws Exception {
        endpoint.answerAlways(500);
        WebhookSink sink = sink(settings(WebhookFormat.ALERT, 3, 1000, Duration.ofSeconds(5)));
        Alert alert = signal();

        sink.emit(alert);

        assertThat(await(() -> sink.stats().failed() == 1, WAIT)).as("given up").isTrue();
        assertThat(endpoint.received()).hasSize(3);
        assertThat(sink.stats()).isEqualTo(new WebhookStats(0, 2, 1, 0, 0, 0, 1));
        List<JsonNode> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get("reason").asText()).isEqualTo("HTTP 500 after 3 attempt(s)");
        assertThat(dead.get(0).get("attempts").asInt()).isEqualTo(3);
        assertThat(dead.get(0).get("lastStatus").asInt()).isEqualTo(500);
        // the alert as it was, so it can be sent again
        assertThat(AlertJson.mapper().writeValueAsString(dead.get(0).get("alert"))).isEqualTo(AlertJson.mapper().writeValueAsString(alert));
    }

    @Test
    void aStatusRetryingCannotFixIsNotRetried() throws Exception {
        endpoint.answerAlways(401);
        WebhookSink sink = sink(settings(WebhookFormat.ALERT, 5, 1000, Duration.ofSeconds(5)));

        sink.emit(signal());

        assertThat(await(() -> sink.stats().failed() == 1, WAIT)).isTrue();
        assertThat(endpoint.received()).hasSize(1);
        assertThat(sink.stats().retried()).isZero();
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.get("reason").asText()).isEqualTo("HTTP 401, not retried"));
    }

    @Test
    void anEndpointThatRefusesConnectionsIsRetriedThenDeadLettered() throws Exception {
        endpoint.close(); // nothing listens on its port any more
        WebhookSink sink = sink(settings(WebhookFormat.ALERT, 2, 1000, Duration.ofSeconds(5)));

        sink.emit(signal());

        assertThat(await(() -> sink.stats().failed() == 1, WAIT)).isTrue();
        assertThat(sink.stats().retried()).isEqualTo(1);
        JsonNode dead = deadLetters().get(0);
        assertThat(dead.get("reason").asText()).startsWith("ConnectException").endsWith("after 2 attempt(s)");
        assertThat(dead.get("lastStatus").isNull()).isTrue();
    }

    @Test
    void emitReturnsAtOnceWhileTheEndpointHangsAndAFullQueueDeadLettersTheOverflow() throws Exception {
        endpoint.hang();
        WebhookSink sink = sink(settings(WebhookFormat.ALERT, 5, 2, Duration.ofSeconds(5)));
        List<Alert> alerts = SampleAlerts.forAnalysts().subList(0, 10);

        sink.emit(alerts.get(0));
        assertThat(await(() -> endpoint.received().size() == 1, WAIT)).as("first alert in flight").isTrue();
        long started = System.nanoTime();
        for (Alert alert : alerts.subList(1, 10)) {
            sink.emit(alert);
        }
        Duration emitting = Duration.ofNanos(System.nanoTime() - started);

        // The request in flight waits up to the 30 s timeout; nine emits took nowhere near that.
        assertThat(emitting).isLessThan(Duration.ofSeconds(2));
        assertThat(sink.stats().queued()).isEqualTo(2);
        assertThat(sink.stats().dropped()).isEqualTo(7);
        assertThat(deadLetters()).hasSize(7).allSatisfy(d -> {
            assertThat(d.get("reason").asText()).isEqualTo("queue full (capacity 2)");
            assertThat(d.get("attempts").asInt()).isZero();
        });
        assertThat(deadLetters()).extracting(d -> d.at("/alert/alertId").asText())
                .containsExactlyElementsOf(alerts.subList(3, 10).stream().map(Alert::alertId).toList());

        endpoint.release();
        assertThat(await(() -> sink.stats().sent() == 3, WAIT)).as("the in-flight and the queued alerts").isTrue();
        assertThat(sink.stats().failed()).isZero();
    }

    @Test
    void atShutdownWhatCannotBeDeliveredWithinTheGraceIsDeadLettered() throws Exception {
        endpoint.hang();
        WebhookSink sink = sink(settings(WebhookFormat.ALERT, 5, 10, Duration.ofMillis(200)));
        List<Alert> alerts = SampleAlerts.forAnalysts().subList(0, 3);
        sink.emit(alerts.get(0));
        assertThat(await(() -> endpoint.received().size() == 1, WAIT)).isTrue();
        sink.emit(alerts.get(1));
        sink.emit(alerts.get(2));

        long started = System.nanoTime();
        sink.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("close waits the grace, not the request timeout")
                .isLessThan(Duration.ofSeconds(5));
        Alert late = SampleAlerts.forAnalysts().get(3);
        sink.emit(late);

        assertThat(sink.stats().sent()).isZero();
        assertThat(sink.stats().failed()).isEqualTo(1);
        assertThat(sink.stats().dropped()).isEqualTo(3);
        List<JsonNode> dead = deadLetters();
        assertThat(dead).extracting(d -> d.get("reason").asText()).containsExactly(
                "shutdown during delivery (first attempt)", "undelivered at shutdown", "undelivered at shutdown", "webhook sink closed");
        assertThat(dead).extracting(d -> d.at("/alert/alertId").asText())
                .containsExactly(alerts.get(0).alertId(), alerts.get(1).alertId(), alerts.get(2).alertId(), late.alertId());
    }

    @Test
    void configuredHeadersAreSentWithEveryRequest() throws Exception {
        WebhookSettings base = settings(WebhookFormat.ALERT, 1, 10, Duration.ofSeconds(5));
        WebhookSink sink = sink(new WebhookSettings(base.url(), base.format(), Map.of("Authorization", "Bearer s3cr3t", "X-Team", "soc"),
                base.timeout(), base.maxAttempts(), base.backoff(), base.queueCapacity(), base.minSeverity(), base.deadLetterFile(),
                base.linkTemplate(), base.shutdownGrace()));

        sink.emit(signal());

        assertThat(await(() -> sink.stats().sent() == 1, WAIT)).isTrue();
        Map<String, String> headers = endpoint.received().get(0).headers();
        assertThat(headers).containsEntry("authorization", "Bearer s3cr3t").containsEntry("x-team", "soc")
                .containsEntry("content-type", "application/json");
        assertThat(headers.get("user-agent")).startsWith("TrailSentry/");
    }

    @Test
    void alertsBelowTheMinimumSeverityAreNotSent() throws Exception {
        // Room in the queue for every alert of the sample: this test is about the severity filter, not overflow.
        WebhookSettings base = settings(WebhookFormat.ALERT, 1, 1000, Duration.ofSeconds(5));
        WebhookSink sink = sink(new WebhookSettings(base.url(), base.format(), base.headers(), base.timeout(), base.maxAttempts(),
                base.backoff(), base.queueCapacity(), Severity.High, base.deadLetterFile(), base.linkTemplate(), base.shutdownGrace()));
        List<Alert> alerts = SampleAlerts.forAnalysts();
        long high = alerts.stream().filter(a -> a.rating().severity().ordinal() >= Severity.High.ordinal()).count();
        assertThat(high).isPositive().isLessThan(alerts.size());

        alerts.forEach(sink::emit);

        assertThat(await(() -> sink.stats().sent() == high, WAIT)).isTrue();
        assertThat(sink.stats().filtered()).isEqualTo(alerts.size() - high);
        for (StubWebhookEndpoint.Received request : endpoint.received()) {
            assertThat(AlertJson.mapper().readTree(request.body()).get("severity").asText()).isIn("High", "Critical");
        }
    }

    @Test
    void theSlackFormatIsAChatMessageWithTheTriageFieldsAndALink() throws Exception {
        WebhookSettings base = settings(WebhookFormat.SLACK, 1, 10, Duration.ofSeconds(5));
        WebhookSink sink = sink(new WebhookSettings(base.url(), base.format(), base.headers(), base.timeout(), base.maxAttempts(),
                base.backoff(), base.queueCapacity(), base.minSeverity(), base.deadLetterFile(),
                "https://trailsentry.example.org/alerts/{alertId}?incident={incidentId}", base.shutdownGrace()));
        List<Alert> critical = SampleAlerts.incidents().stream().filter(a -> a.rating().severity() == Severity.Critical).toList();
        Alert incident = critical.get(critical.size() - 1);

        sink.emit(incident);

        assertThat(await(() -> sink.stats().sent() == 1, WAIT)).isTrue();
        JsonNode message = AlertJson.mapper().readTree(endpoint.received().get(0).body());
        String link = "https://trailsentry.example.org/alerts/" + incident.alertId() + "?incident=" + incident.incident().incidentId();
        assertThat(message.get("text").asText()).startsWith("[Critical] Attack progression incident — marketing-uploader (123456789012)")
                .endsWith("<" + link + "|open>");
        JsonNode attachment = message.at("/attachments/0");
        assertThat(attachment.get("color").asText()).isEqualTo("#7b0000");
        assertThat(attachment.get("title_link").asText()).isEqualTo(link);
        assertThat(attachment.get("text").asText()).startsWith("Actor marketing-uploader");
        List<String> titles = new ArrayList<>();
        attachment.get("fields").forEach(f -> titles.add(f.get("title").asText()));
        assertThat(titles).contains("Severity", "Actor", "Rule", "Stages", "MITRE ATT&CK", "Source IPs", "Incident");
        attachment.get("fields").forEach(f -> {
            if (f.get("title").asText().equals("Stages")) {
                assertThat(f.get("value").asText()).contains("discovery", "persistence", "privilege_escalation", "collection");
            }
        });
    }

    @Test
    void theOcsfFormatPostsTheDetectionFinding() throws Exception {
        WebhookSink sink = sink(settings(WebhookFormat.OCSF, 1, 10, Duration.ofSeconds(5)));
        Alert alert = signal();

        sink.emit(alert);

        assertThat(await(() -> sink.stats().sent() == 1, WAIT)).isTrue();
        JsonNode finding = AlertJson.mapper().readTree(endpoint.received().get(0).body());
        assertThat(finding.get("class_uid").asInt()).isEqualTo(2004);
        assertThat(finding.at("/metadata/uid").asText()).isEqualTo(alert.alertId());
    }

    @Test
    void slackEscapesMarkupInAlertText() {
        assertThat(SlackMessage.escape("<script> & arn:aws:iam::1:user/a>b")).isEqualTo("&lt;script&gt; &amp; arn:aws:iam::1:user/a&gt;b");
    }

    private Alert signal() throws Exception {
        return SampleAlerts.signals().get(0);
    }

    private WebhookSettings settings(WebhookFormat format, int maxAttempts, int queueCapacity, Duration grace) {
        return new WebhookSettings(endpoint.url(), format, Map.of(), Duration.ofSeconds(30), maxAttempts,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), queueCapacity, Severity.Informational,
                dir.resolve("webhook-dead-letter.jsonl"), null, grace);
    }

    private WebhookSink sink(WebhookSettings settings) throws Exception {
        WebhookSink sink = new WebhookSink(settings, "test", () -> 0.5);
        sinks.add(sink);
        return sink;
    }

    private List<JsonNode> deadLetters() throws Exception {
        Path file = dir.resolve("webhook-dead-letter.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                out.add(AlertJson.mapper().readTree(line));
            }
        }
        return out;
    }
}
