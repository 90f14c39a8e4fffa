package io.trailsentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.engine.TestRules;
import io.trailsentry.kafka.AppInstance;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /alerts} after a restart still answers with the alerts from before it: the packaged
 * server is started, fed, stopped and started again on the same data folder.
 */
class AlertHistoryClusterIT {

    static final Path DIR = Path.of("target", "cluster-it", "alert-history");
    static final String TOKEN = "history-admin-token-0123456789";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void alertsFromBeforeARestartAreListedAfterIt() throws Exception {
        deleteRecursively(DIR); // a clean deployment: nothing left from an earlier run
        Map<String, String> properties = new HashMap<>();
        properties.put("quarkus.http.port", "0");
        properties.put("trailsentry.rules.dir", "epl");
        properties.put("trailsentry.rules.cache-dir", TestRules.CACHE_DIR.toAbsolutePath().toString());
        properties.put("trailsentry.rules.watch", "false");
        properties.put("trailsentry.inbox.enabled", "false");
        properties.put("trailsentry.api.auth.admin-tokens", "it:" + TOKEN);
        properties.put("trailsentry.alerts.file", DIR.resolve("alerts.jsonl").toString());
        properties.put("trailsentry.dead-letter.file", DIR.resolve("dead-letter.jsonl").toString());
        properties.put("trailsentry.context.baseline-file", DIR.resolve("baselines.json").toString());
        properties.put("trailsentry.incidents.jdbc-url", "jdbc:h2:file:" + DIR.toAbsolutePath().resolve("incidents") + ";DB_CLOSE_ON_EXIT=FALSE");

        List<String> before;
        try (AppInstance first = AppInstance.start("first", DIR, properties)) {
            String base = baseUrl(first);
            List<String> lines = new ArrayList<>(CloudTrailJson.burst("AIDAHISTORY00000001", "history", Instant.parse("2024-11-05T02:00:00Z"),
                    60, 3, "203.0.113.99"));
            lines.add(CloudTrailJson.record("history-tick", Instant.parse("2024-11-05T02:30:00Z"), "GetCallerIdentity", "AIDAOTHER", "ops",
                    "10.0.0.1"));
            HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create(base + "/events"))
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))));
            assertThat(posted.statusCode()).isEqualTo(202);
            before = alertIds(base);
            assertThat(before).isNotEmpty();
        }

        try (AppInstance second = AppInstance.start("second", DIR, properties)) {
            assertThat(alertIds(baseUrl(second))).as("the alert file is read back at start").isEqualTo(before);
        }
    }

    private static List<String> alertIds(String base) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/alerts?principal=history&limit=1000")).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(response.body())) {
            ids.add(alert.get("alertId").asText());
        }
        return ids;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (java.nio.file.Files.exists(dir)) {
            try (var walk = java.nio.file.Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }

    /** The server listens on a free port it names in its start-up line. */
    private static String baseUrl(AppInstance app) throws InterruptedException {
        app.awaitLog("Listening on:", 1, WAIT);
        Matcher m = Pattern.compile("Listening on: (http://[^\\s]+)").matcher(app.lines("Listening on:").get(0));
        assertThat(m.find()).isTrue();
        return m.group(1).replace("0.0.0.0", "127.0.0.1");
    }
}
