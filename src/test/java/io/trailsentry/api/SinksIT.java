package io.trailsentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.trailsentry.alert.SampleAlerts;
import io.trailsentry.alert.webhook.StubWebhookEndpoint;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sinks plugged into the running server as beans: the sample posted to {@code /events} reaches a
 * real webhook endpoint as chat messages and the OCSF findings file, and the webhook's counters are on
 * {@code /q/metrics}. Its own profile (and files), so the shared server tests are not affected.
 */
@QuarkusTest
@TestProfile(SinksIT.WithSinks.class)
class SinksIT {

    static final Path DATA = Path.of("target/test-data/sinks-it");
    static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "trailsentry.sinks.webhook.url")
    String webhookUrl;

    @Test
    void postedEventsReachTheWebhookAndTheOcsfFile() throws Exception {
        TestApi.asAdmin().body(Files.readAllBytes(SampleAlerts.SAMPLE)).post("/events").then().statusCode(202);

        assertThat(StubWebhookEndpoint.await(() -> metric("trailsentry_webhook_sent_total") >= 1, Duration.ofSeconds(30)))
                .as("webhook deliveries on /q/metrics").isTrue();
        assertThat(metric("trailsentry_webhook_failed_total")).isZero();
        assertThat(metric("trailsentry_webhook_dropped_total")).isZero();

        String received = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(webhookUrl)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        JsonNode message = JSON.readTree(received.lines().findFirst().orElseThrow());
        assertThat(message.get("text").asText()).matches("\\[(Informational|Low|Medium|High|Critical)] .+ — .+");
        assertThat(message.at("/attachments/0/fields")).isNotEmpty();

        // The alert file keeps every signal; the outputs for people leave building blocks out.
        Set<String> alertIds = new HashSet<>();
        Set<String> buildingBlocks = new HashSet<>();
        for (String line : Files.readAllLines(DATA.resolve("alerts.jsonl"))) {
            JsonNode alert = JSON.readTree(line);
            (alert.get("buildingBlock").asBoolean() ? buildingBlocks : alertIds).add(alert.get("alertId").asText());
        }
        assertThat(buildingBlocks).as("the sample's CreateUser, AttachUserPolicy, CreateAccessKey").isNotEmpty();
        Set<String> findingIds = new HashSet<>();
        List<String> findings = Files.readAllLines(DATA.resolve("findings.ocsf.jsonl"));
        for (String line : findings) {
            JsonNode finding = JSON.readTree(line);
            assertThat(finding.get("class_uid").asInt()).isEqualTo(2004);
            findingIds.add(finding.at("/metadata/uid").asText());
        }
        assertThat(alertIds).isNotEmpty();
        assertThat(findingIds).isEqualTo(alertIds);
        assertThat(findings).hasSameSizeAs(findingIds);
        for (String line : received.lines().toList()) {
            String title = JSON.readTree(line).at("/attachments/0/title").asText();
            assertThat(title).as("no building block is sent to chat").doesNotContain("Identity created", "Permissions granted");
        }
    }

    private static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.Ee+-]+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }

    public static class WithSinks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trailsentry.alerts.file", DATA.resolve("alerts.jsonl").toString(),
                    "trailsentry.dead-letter.file", DATA.resolve("dead-letter.jsonl").toString(),
                    "trailsentry.context.baseline-file", DATA.resolve("baselines.json").toString(),
                    "trailsentry.inbox.dir", DATA.resolve("inbox").toString(),
                    "trailsentry.sinks.ocsf-file.path", DATA.resolve("findings.ocsf.jsonl").toString(),
                    "trailsentry.sinks.webhook.format", "slack",
                    "trailsentry.sinks.webhook.dead-letter-file", DATA.resolve("webhook-dead-letter.jsonl").toString(),
                    "trailsentry.sinks.webhook.headers.Authorization", "Bearer it-secret");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StubEndpointResource.class));
        }
    }

    /** Starts the stub endpoint before the app and points the webhook at it. */
    public static class StubEndpointResource implements QuarkusTestResourceLifecycleManager {
        private StubWebhookEndpoint endpoint;

        @Override
        public Map<String, String> start() {
            try {
                // Each run starts from empty files, so the alert and findings files describe this run only.
                if (Files.exists(DATA)) {
                    try (var paths = Files.walk(DATA)) {
                        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.delete(p);
                        }
                    }
                }
                endpoint = StubWebhookEndpoint.start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.of("trailsentry.sinks.webhook.url", endpoint.url().toString());
        }

        @Override
        public void stop() {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }
}
