package io.trailsentry.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.trailsentry.backtest.BacktestTraffic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.trailsentry.api.TestApi.asAdmin;
import static io.trailsentry.api.TestApi.asAnalyst;
import static io.trailsentry.api.TestApi.asViewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code POST /rules/backtest} on a running server's own archive: the day {@code BacktestCommandTest}
 * replays from a file is ingested over {@code POST /events} instead (so it is in the archive only
 * because the server archived it), then the same change — the bulk-secrets threshold lowered from 10 to
 * 5, a scanner allowlisted — is submitted as two files, and the job's diff names exactly the same new
 * and gone alerts. Also: one job at a time, cancel, admin only, and bad submissions refused before
 * anything runs.
 */
@QuarkusTest
@TestProfile(RulesBacktestApiIT.OwnArchive.class)
class RulesBacktestApiIT {

    /**
     * An app of its own with an archive new for every run: the shared apps' archive holds what every
     * test and earlier runs posted, and their engine clocks would make this day late (late events are
     * not archived); this day's alerts must not reach their stores either.
     */
    public static class OwnArchive implements QuarkusTestProfile {
        static final String DIR = "target/test-data/rules-backtest-api-it/" + UUID.randomUUID() + "/";

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trailsentry.archive.dir", DIR + "archive",
                    "trailsentry.incidents.jdbc-url", "jdbc:h2:file:./" + DIR + "incidents;DB_CLOSE_ON_EXIT=FALSE",
                    "trailsentry.alerts.file", DIR + "alerts.jsonl",
                    "trailsentry.dead-letter.file", DIR + "dead-letter.jsonl",
                    "trailsentry.context.baseline-file", DIR + "baselines.json",
                    "trailsentry.inbox.enabled", "false",
                    "trailsentry.rules.watch", "false");
        }
    }

    /** Compiling the changed set dominates; a cold rule cache on a busy two-core machine takes minutes. */
    static final Duration WAIT = Duration.ofMinutes(6);
    static final String BULK_SECRETS = BacktestTraffic.BULK_SECRETS;
    private static boolean ingested;

    @Test
    void theDiffOnTheArchiveNamesTheAlertsTheThresholdAddsAndTheAllowlistRemoves() throws Exception {
        ingestTheDay();
        Map<String, Object> body = new HashMap<>();
        body.put("files", Map.of(BacktestTraffic.RULE_FILE, BacktestTraffic.loweredRule(Path.of("epl")), "allowlist.yaml", BacktestTraffic.ALLOWLIST));
        body.put("from", "2026-01-20");
        body.put("to", "2026-01-22");
        body.put("maxNewAlerts", 2);

        String id = submit(body);
        JsonPath job = awaitFinished(id);

        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("done");
        assertThat(job.getLong("eventsRead")).as("both sets read the whole day").isEqualTo(2L * BacktestTraffic.EVENTS);
        assertThat(job.getList("files")).containsExactly("allowlist.yaml", BacktestTraffic.RULE_FILE);
        assertThat(job.getBoolean("exceedsMaxNewAlerts")).isFalse();
        JsonPath diff = new JsonPath(job.prettify()).setRootPath("result");
        List<String> differences = new ArrayList<>();
        for (Map<String, Object> d : diff.<Map<String, Object>>getList("differences")) {
            differences.add(d.get("kind") + " " + (Boolean.TRUE.equals(d.get("incident")) ? "incident" : "alert") + " " + d.get("ruleId")
                    + " " + d.get("actor"));
        }
        // Each alert brings its incident along: the reads open a quiet incident that the alert pages.
        assertThat(differences).containsExactlyInAnyOrder(
                "NEW alert " + BULK_SECRETS + " reader",
                "NEW incident trailsentry-incident reader",
                "GONE incident trailsentry-incident scanner-prod",
                "GONE alert " + BULK_SECRETS + " scanner-prod");
        int added = differences.indexOf("NEW alert " + BULK_SECRETS + " reader");
        int gone = differences.indexOf("GONE alert " + BULK_SECRETS + " scanner-prod");
        assertThat(diff.getString("differences[" + added + "].time")).isEqualTo("2026-01-20T02:00:00Z");
        assertThat(diff.getString("differences[" + added + "].after")).isEqualTo("High");
        assertThat(diff.getString("differences[" + added + "].before")).isNull();
        assertThat(diff.getString("differences[" + gone + "].before")).isEqualTo("High");
        assertThat(diff.getString("differences[" + gone + "].after")).isNull();
        assertThat(diff.getInt("newAlerts")).as("alerts and incidents").isEqualTo(2);
        assertThat(diff.getInt("maxNewAlerts")).isEqualTo(2);
        assertThat(diff.getInt("events")).isEqualTo(BacktestTraffic.EVENTS);
        assertThat(diff.getBoolean("capped")).isFalse();
        assertThat(diff.getString("from")).isEqualTo("2026-01-20T00:00:00Z");
        assertThat(diff.getString("to")).isEqualTo("2026-01-22T00:00:00Z");
        assertThat(diff.getList("groups")).as("by rule and actor: the alert and the incident of each").hasSize(4);
    }

    @Test
    void oneJobRunsAtATimeAndACancelledOneStopsWithoutAResult() throws Exception {
        ingestTheDay();
        String id = submit(Map.of("files", Map.of(BacktestTraffic.RULE_FILE, BacktestTraffic.loweredRule(Path.of("epl")))));

        asAdmin().contentType(ContentType.JSON).body(Map.of("files", Map.of("allowlist.yaml", BacktestTraffic.ALLOWLIST)))
                .post("/rules/backtest").then().statusCode(409)
                .body("error", equalTo("backtest_running")).body("message", containsString(id));

        asAdmin().delete("/rules/backtest/" + id).then().statusCode(200).body("id", equalTo(id));
        JsonPath job = awaitFinished(id);
        assertThat(job.getString("state")).as(job.prettify()).isEqualTo("cancelled");
        assertThat(job.getBoolean("cancelRequested")).isTrue();
        assertThat(job.getMap("result")).isNull();
        assertThat(job.getString("finishedAt")).isNotNull();

        asAdmin().get("/rules/backtest/no-such-job").then().statusCode(404).body("error", equalTo("unknown_backtest"));
        asAdmin().delete("/rules/backtest/no-such-job").then().statusCode(404);
    }

    @Test
    void onlyAnAdminBacktestsOrReadsARulesFile() {
        Map<String, Object> body = Map.of("files", Map.of("allowlist.yaml", BacktestTraffic.ALLOWLIST));
        for (var caller : List.of(asViewer(), asAnalyst())) {
            caller.contentType(ContentType.JSON).body(body).post("/rules/backtest").then().statusCode(403);
        }
        asViewer().get("/rules/backtest/some-id").then().statusCode(403);
        asAnalyst().delete("/rules/backtest/some-id").then().statusCode(403);
        asViewer().get("/rules/files/" + BacktestTraffic.RULE_FILE).then().statusCode(403);
        given().contentType(ContentType.JSON).body(body).post("/rules/backtest").then().statusCode(401);

        asAdmin().get("/rules/files/" + BacktestTraffic.RULE_FILE).then().statusCode(200)
                .contentType(containsString("text/plain")).body(containsString("create variable int secrets_bulk_threshold = 10;"));
        asAdmin().get("/rules/files/no_such_rule.epl").then().statusCode(404).body("error", equalTo("unknown_rule_file"));
        asAdmin().get("/rules/files/application.properties").then().statusCode(400).body("error", equalTo("invalid_rule_file"));
        asAdmin().get("/rules/files/.hidden.epl").then().statusCode(400);
    }

    @Test
    void aBadSubmissionIsRefusedBeforeAnythingRuns() {
        refused(400, "{\"files\": {\"../outside.epl\": \"x\"}}", "not a file name inside the rules folder");
        refused(400, "{\"files\": {\"/etc/cron.d/x.epl\": \"x\"}}", "not a file name inside the rules folder");
        refused(400, "{\"files\": {\"notes.txt\": \"x\"}}", "only .epl, .yml and .yaml");
        refused(400, "{\"files\": {}}", "no files");
        refused(400, "{\"files\": {\"a.epl\": \"x\"}, \"maxNewAlert\": 1}", "not the expected JSON");
        refused(400, "not json", "not the expected JSON");
        refused(400, "{\"files\": {\"a.epl\": \"x\"}, \"from\": \"2026-01-21\", \"to\": \"2026-01-20\"}", "is not before");
        refused(400, "{\"files\": {\"a.epl\": \"x\"}, \"from\": \"yesterday\"}", "ISO time");
        refused(413, "{\"files\": {\"a.epl\": \"" + "x".repeat(256 * 1024 + 1) + "\"}}", "per file");
    }

    private static void refused(int status, String body, String message) {
        asAdmin().contentType(ContentType.JSON).body(body).post("/rules/backtest").then().statusCode(status)
                .body("error", equalTo("invalid_backtest")).body("message", containsString(message));
    }

    /** Submits, waiting out a job of another test still running (one at a time), and answers the new job's id. */
    private static String submit(Map<String, Object> body) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var response = asAdmin().contentType(ContentType.JSON).body(body).post("/rules/backtest");
            if (response.statusCode() != 409 || System.nanoTime() > deadline) {
                response.then().statusCode(202).header("Location", endsWith("/rules/backtest/" + response.jsonPath().getString("id")));
                assertThat(response.jsonPath().getString("state")).isIn("queued", "running");
                return response.jsonPath().getString("id");
            }
            Thread.sleep(200);
        }
    }

    private static JsonPath awaitFinished(String id) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonPath job = asAdmin().get("/rules/backtest/" + id).then().statusCode(200).extract().jsonPath();
            if (List.of("done", "failed", "cancelled").contains(job.getString("state"))) {
                return job;
            }
            assertThat(System.nanoTime() - deadline).as("waited " + WAIT + " for backtest " + id + ": " + job.prettify()).isNegative();
            Thread.sleep(200);
        }
    }

    /** The day, once per app, as one payload: the server evaluates it and archives every event. */
    private static synchronized void ingestTheDay() throws IOException {
        if (ingested) {
            return;
        }
        asAdmin().body(String.join("\n", BacktestTraffic.day())).post("/events").then().statusCode(202)
                .body("accepted", equalTo(BacktestTraffic.EVENTS));
        ingested = true;
    }
}
