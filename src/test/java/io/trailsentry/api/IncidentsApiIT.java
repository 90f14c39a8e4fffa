package io.trailsentry.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incidents API as the console uses it, over HTTP with role tokens: the bundled attack sample in,
 * the escalated incident listed with its stages and unknown source IP, its detail with the score
 * breakdown and evidence events, and triage that needs the analyst role and is recorded with who.
 */
@QuarkusTest
@TestProfile(IncidentsApiIT.OwnApp.class)
class IncidentsApiIT {

    /**
     * Its own app and files: the sample moves the engine's clock to 2026-01-20 and adds its alerts,
     * which the shared app's other tests (posting 2024 events, counting alerts) must not see.
     */
    public static class OwnApp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String dir = "target/test-data/incidents-api-it/";
            return Map.of(
                    "trailsentry.incidents.jdbc-url", "jdbc:h2:file:./" + dir + "incidents;DB_CLOSE_ON_EXIT=FALSE",
                    "trailsentry.alerts.file", dir + "alerts.jsonl",
                    "trailsentry.dead-letter.file", dir + "dead-letter.jsonl",
                    "trailsentry.context.baseline-file", dir + "baselines.json",
                    "trailsentry.inbox.dir", dir + "inbox");
        }
    }

    static final Path SAMPLE = Path.of("samples/cloudtrail-sample.jsonl");

    @Test
    void theSampleAttackBecomesACriticalIncidentThatAnAnalystAcknowledges() throws Exception {
        TestApi.asAdmin().body(Files.readAllBytes(SAMPLE)).post("/events").then().statusCode(202);

        Map<String, Object> incident = awaitIncident("marketing-uploader");
        assertThat(incident.get("severity")).isEqualTo("Critical");
        assertThat((List<String>) incident.get("stages")).contains("discovery", "privilege_escalation", "persistence");
        assertThat((List<Map<String, Object>>) incident.get("sourceIps"))
                .anySatisfy(ip -> assertThat(ip).containsEntry("address", "203.0.113.99").containsEntry("unknown", true));
        String id = (String) incident.get("incidentId");

        JsonPath detail = TestApi.asViewer().get("/incidents/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getList("scoreBreakdown")).isNotEmpty();
        assertThat(detail.getList("evidenceEvents.eventName", String.class)).contains("AttachUserPolicy").doesNotContainNull();
        assertThat(detail.getList("timeline")).isNotEmpty();

        TestApi.asViewer().contentType("application/json").body("{\"note\":\"mine\"}")
                .post("/incidents/" + id + "/acknowledge").then().statusCode(403);
        TestApi.asAnalyst().contentType("application/json").body("{\"note\":\"taking it\"}")
                .post("/incidents/" + id + "/acknowledge").then().statusCode(200);

        JsonPath after = TestApi.asViewer().get("/incidents/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(after.getString("incident.status")).isEqualTo("acknowledged");
        assertThat(after.getString("incident.statusBy")).isEqualTo("analyst-1");
        assertThat(after.getString("incident.statusNote")).isEqualTo("taking it");

        JsonPath onePerPage = TestApi.asViewer().get("/incidents?size=1").then().statusCode(200).extract().jsonPath();
        assertThat(onePerPage.getList("items")).hasSize(1);
        assertThat(onePerPage.getLong("total")).isGreaterThanOrEqualTo(2);
        TestApi.asViewer().get("/incidents?status=acknowledged").then().statusCode(200);
        TestApi.as("not-a-token-at-all-0000").get("/incidents").then().statusCode(401);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitIncident(String actorName) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            List<Map<String, Object>> items = TestApi.asViewer().get("/incidents?size=200").then().statusCode(200)
                    .extract().jsonPath().getList("items");
            for (Map<String, Object> item : items) {
                if (actorName.equals(item.get("actorName")) && "Critical".equals(item.get("severity"))) {
                    return item;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no Critical incident for " + actorName + " within 30 s: " + items);
            }
            Thread.sleep(200); // the store writes on its own thread; poll, do not assume
        }
    }
}
