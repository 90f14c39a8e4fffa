package io.trailsentry.api;

import io.trailsentry.server.InboxWatcher;

import io.quarkus.test.junit.QuarkusTest;
import io.trailsentry.config.TrailSentryConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;

/**
 * The server end to end on its embedded default: HTTP in (any shape, gzip), the inbox folder,
 * alerts out through {@code GET /alerts} and the JSONL file. Tests share one app and one
 * event-time clock, so each works on a later day than the one before.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerIT {

    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";

    @Inject
    TrailSentryConfig config;

    @Inject
    InboxWatcher inbox;

    @Test
    @Order(1)
    void burstPostedAsJsonLinesRaisesBothRulesAlerts() throws Exception {
        Instant start = Instant.parse("2024-09-02T10:01:00Z");
        List<String> lines = burstThenLaterTick("AIDAHTTPBURST000001", start, 60, 3, "203.0.113.77");

        TestApi.asAdmin().body(String.join("\n", lines)).post("/events")
                .then().statusCode(202).body("accepted", equalTo(61)).body("rejected", equalTo(0));

        TestApi.asViewer().queryParam("principal", "AIDAHTTPBURST000001").get("/alerts")
                .then().statusCode(200)
                .body("ruleId", hasItems(COMPAT, SLIDING))
                .body("find { it.ruleId == '" + COMPAT + "' }.count", equalTo(60))
                .body("find { it.ruleId == '" + COMPAT + "' }.windowStart", equalTo("2024-09-02T10:00:00Z"))
                .body("find { it.ruleId == '" + SLIDING + "' }.count", equalTo(51));

        List<String> written = Files.readAllLines(config.alerts().file());
        assertThat(written).anyMatch(line -> line.contains("AIDAHTTPBURST000001") && line.contains(COMPAT));
    }

    @Test
    @Order(2)
    void gzipS3RecordsFileIsAccepted() throws Exception {
        Instant start = Instant.parse("2024-09-03T10:01:00Z");
        List<String> records = burstThenLaterTick("AIDAGZIP00000000001", start, 55, 2, "198.51.100.9");
        byte[] body = gzip("{\"Records\":[" + String.join(",", records) + "]}");

        TestApi.asAdmin().body(body).post("/events").then().statusCode(202).body("accepted", equalTo(56));
        TestApi.asViewer().queryParam("principal", "AIDAGZIP00000000001").queryParam("severity", "Medium").get("/alerts")
                .then().statusCode(200).body("ruleId", hasItems(COMPAT, SLIDING)).body("severity", everyItem(equalTo("Medium")));
    }

    @Test
    @Order(3)
    void malformedRecordsAreRejectedAndTheGoodOnesBesideThemKept() {
        Instant t = Instant.parse("2024-09-04T10:00:00Z");
        String body = CloudTrailJson.record("good-1", t, "ListUsers", "AIDAMIXED", "mix", "10.0.0.2") + "\n"
                + "{\"eventTime\": \"2024-09-04T10:00:01Z\", \"eventName\": \n"
                + CloudTrailJson.record("good-2", t.plusSeconds(2), "ListUsers", "AIDAMIXED", "mix", "10.0.0.2") + "\n";

        TestApi.asAdmin().body(body).post("/events").then().statusCode(202)
                .body("accepted", equalTo(2)).body("rejected", equalTo(1)).body("message", containsString("rejected"));
        TestApi.asAdmin().body("this is not json").post("/events").then().statusCode(400).body("rejected", equalTo(1));
        TestApi.asAdmin().body("").post("/events").then().statusCode(400).body("message", containsString("empty body"));
    }

    @Test
    @Order(4)
    void fileDroppedInTheInboxIsIngestedAndMoved() throws Exception {
        Instant start = Instant.parse("2024-09-05T10:01:00Z");
        List<String> lines = burstThenLaterTick("AIDAINBOX0000000001", start, 52, 2, "192.0.2.10");
        Path dir = config.inbox().dir();
        Files.createDirectories(dir);
        Path file = dir.resolve("drop-" + start.getEpochSecond() + ".jsonl");
        Files.writeString(file, String.join("\n", lines));
        // Settled: the watcher leaves files younger than one poll interval for the next poll.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));

        inbox.poll();

        assertThat(file).doesNotExist();
        assertThat(dir.resolve(InboxWatcher.PROCESSED).resolve(file.getFileName())).exists();
        TestApi.asViewer().queryParam("principal", "AIDAINBOX0000000001").get("/alerts")
                .then().statusCode(200).body("ruleId", hasItems(COMPAT, SLIDING));
    }

    @Test
    @Order(5)
    void alertQueriesAreValidatedAndRulesListed() {
        TestApi.asViewer().queryParam("severity", "Urgent").get("/alerts").then().statusCode(400);
        TestApi.asViewer().queryParam("from", "yesterday").get("/alerts").then().statusCode(400);
        TestApi.asViewer().queryParam("severity", "Critical").get("/alerts").then().statusCode(200).body("$", hasSize(0));
        TestApi.asViewer().get("/rules").then().statusCode(200).body("rules.id", hasItems(COMPAT, SLIDING)).body("statements", org.hamcrest.Matchers.greaterThan(16));
        TestApi.asViewer().get("/status").then().statusCode(200).body("rejected", equalTo(2));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("trailsentry_events_rejected_total{source=\"http\"} 2.0"))
                .body(containsString("trailsentry_alerts_total{kind=\"alert\",rule=\"AWSCloudTrail - User IAM Enumeration\",severity=\"Medium\"}"));
    }

    @Test
    @Order(6)
    void buildingBlocksFeedTheIncidentButAreListedOnlyOnRequest() {
        Instant at = Instant.parse("2024-09-05T02:00:00Z");
        String createUser = CloudTrailJson.record("lone-create-user", at, "CreateUser", "AIDALONECREATOR0001", "lone-creator", "203.0.113.88")
                .replace("\"readOnly\":true", "\"readOnly\":false");
        String tick = CloudTrailJson.record("tick-lone-creator", at.plusSeconds(1200), "GetCallerIdentity", "AIDAOTHER", "ops", "10.0.0.1");
        TestApi.asAdmin().body(createUser + "\n" + tick).post("/events").then().statusCode(202).body("accepted", equalTo(2));

        // By the actor's name, as the console shows it: a lone ordinary call pages no one, nor does its
        // one-stage incident of building blocks.
        TestApi.asViewer().queryParam("principal", "lone-creator").get("/alerts")
                .then().statusCode(200).body("$", org.hamcrest.Matchers.hasSize(0));
        TestApi.asViewer().queryParam("principal", "lone-creator").queryParam("include", "building-blocks").get("/alerts")
                .then().statusCode(200)
                .body("find { it.ruleId == '7c8b7ed3-1988-493f-a222-84dbe22039b1' }.buildingBlock", equalTo(true))
                .body("find { it.ruleId == '7c8b7ed3-1988-493f-a222-84dbe22039b1' }.incidentId", org.hamcrest.Matchers.notNullValue())
                .body("find { it.ruleId == 'trailsentry-incident' }.buildingBlock", equalTo(true));
        TestApi.asViewer().queryParam("include", "everything").get("/alerts").then().statusCode(400);
    }

    /**
     * A burst, then one event of someone else 20 minutes later: it moves the watermark past the
     * burst and its bin, so both rules report without the test waiting on the idle clock.
     */
    private static List<String> burstThenLaterTick(String principalId, Instant start, int n, int stepSeconds, String ip) {
        List<String> lines = new ArrayList<>(CloudTrailJson.burst(principalId, "user-" + principalId, start, n, stepSeconds, ip));
        lines.add(CloudTrailJson.record("tick-" + principalId, start.plusSeconds(1200), "GetCallerIdentity", "AIDAOTHER", "ops", "10.0.0.1"));
        return lines;
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
