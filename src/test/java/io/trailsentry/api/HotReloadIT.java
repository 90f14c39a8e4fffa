package io.trailsentry.api;

import io.trailsentry.engine.TestRules;
import io.trailsentry.server.RuleWatcher;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A detection engineer's day with the server running: edit a rule on disk and see the new behaviour
 * without a restart; break it and see the error with its line while the previous rules keep running;
 * delete a rule and see it undeployed. The server runs on its own folder of three shipped rules.
 */
@QuarkusTest
@TestProfile(HotReloadIT.OwnRulesFolder.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotReloadIT {

    static final Path RULES = Path.of("target", "hot-reload-rules");
    static final String SLIDING_FILE = "discovery_iam_enumeration_sliding.epl";
    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";
    static final String IMPACT = "68c97255-5fae-41da-be74-6bf83e2fdd81"; // impact_sqs_queue_purged: a rule nothing else depends on

    /** Points the server at a fresh copy of the rules, made before it starts. */
    public static class OwnRulesFolder implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A new alert file per run: GET /alerts reads the file back at start, and an earlier run's
            // alerts for the same principals would answer for this one's. A literal name, not
            // ${quarkus.uuid}: Quarkus leaves a profile's overrides in the system properties, where
            // a later plain test's StandaloneConfig cannot expand that expression.
            return Map.of("trailsentry.rules.dir", RULES.toString(),
                    "trailsentry.alerts.file", "target/test-data/hot-reload/alerts-" + java.util.UUID.randomUUID() + ".jsonl",
                    "trailsentry.dead-letter.file", "target/test-data/hot-reload/dead-letter.jsonl",
                    "trailsentry.context.baseline-file", "target/test-data/hot-reload/baselines.json",
                    "trailsentry.inbox.enabled", "false");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(CopyRules.class));
        }
    }

    public static class CopyRules implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                if (Files.exists(RULES)) {
                    try (Stream<Path> old = Files.walk(RULES)) {
                        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
                // The rules the day touches and the folder's data files: a reload of the whole
                // shipped set would prove nothing more and compile most of it again per edit.
                TestRules.copyOf(Files.createDirectories(RULES),
                        "discovery_iam_enumeration_compat.epl", SLIDING_FILE, "impact_sqs_queue_purged.epl");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }

    @Inject
    RuleWatcher watcher;

    @Test
    @Order(1)
    void loweringAThresholdOnDiskChangesBehaviourWithoutRestart() throws Exception {
        watcher.poll(); // the version deployed at start is the baseline
        post(burst("AIDAHOTBEFORE000001", Instant.parse("2024-10-01T10:01:00Z"), 40));
        TestApi.asViewer().queryParam("principal", "AIDAHOTBEFORE000001").get("/alerts").then().body("ruleId", not(hasItem(SLIDING)));

        edit(SLIDING_FILE, "create variable int iam_enum_sliding_threshold = 50;", "create variable int iam_enum_sliding_threshold = 30;");
        watcher.poll();

        TestApi.asViewer().get("/rules").then().statusCode(200)
                .body("lastReload.ok", equalTo(true))
                .body("lastReload.redeployed", hasItem(SLIDING_FILE))
                .body("rules.find { it.id == '" + SLIDING + "' }.file", equalTo(SLIDING_FILE));
        post(burst("AIDAHOTAFTER0000001", Instant.parse("2024-10-01T11:01:00Z"), 40));
        TestApi.asViewer().queryParam("principal", "AIDAHOTAFTER0000001").get("/alerts").then()
                .body("find { it.ruleId == '" + SLIDING + "' }.count", equalTo(31));
        TestApi.asViewer().get("/rules").then().body("rules.find { it.id == '" + SLIDING + "' }.hits", greaterThan(0));
    }

    @Test
    @Order(2)
    void aSyntaxErrorIsRefusedWithItsLineAndThePreviousRulesKeepRunning() throws Exception {
        String good = Files.readString(RULES.resolve(SLIDING_FILE));
        Files.writeString(RULES.resolve(SLIDING_FILE), good.replace("from IamEnumRecent as e", "from IamEnumRecent as e e e"));
        watcher.poll();

        TestApi.asViewer().get("/rules").then().statusCode(200)
                .body("lastReload.ok", equalTo(false))
                .body("lastReload.errors[0].file", equalTo(SLIDING_FILE))
                .body("lastReload.errors[0].line", greaterThan(0))
                .body("lastReload.failures", greaterThan(0))
                .body("rules.id", hasItems(SLIDING, IMPACT));
        // still the edited-but-valid version (threshold 30)
        post(burst("AIDAHOTBROKEN000001", Instant.parse("2024-10-01T12:01:00Z"), 40));
        TestApi.asViewer().queryParam("principal", "AIDAHOTBROKEN000001").get("/alerts").then()
                .body("find { it.ruleId == '" + SLIDING + "' }.count", equalTo(31));

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("trailsentry_rules_reloads_total{result=\"failure\"}"))
                .body(containsString("trailsentry_epl_statements"));

        Files.writeString(RULES.resolve(SLIDING_FILE), good);
        watcher.poll();
        TestApi.asViewer().get("/rules").then().body("lastReload.ok", equalTo(true));
    }

    @Test
    @Order(3)
    void deletingARuleFileUndeploysIt() throws Exception {
        Files.delete(RULES.resolve("impact_sqs_queue_purged.epl"));
        watcher.poll();
        TestApi.asViewer().get("/rules").then().statusCode(200)
                .body("lastReload.ok", equalTo(true))
                .body("lastReload.removed", hasItem("impact_sqs_queue_purged.epl"))
                .body("rules.id", not(hasItem(IMPACT)))
                .body("rules.id", hasItem(SLIDING));
    }

    @Test
    @Order(4)
    void validateCompilesInIsolationAndReloadCanBeForced() {
        TestApi.asAdmin().contentType("text/plain").body("select * from CloudTrailEvent(eventName = 'X'").post("/rules/validate")
                .then().statusCode(422).body("errors[0].message", containsString("line"));
        String rule = """
                @Name('discovery_probe') @Description('probe')
                @Tag(name='id', value='11111111-2222-4333-8444-555555555555') @Tag(name='name', value='Probe')
                @Tag(name='severity', value='Low') @Tag(name='stage', value='discovery') @Tag(name='mitre', value='TA0007:T1580')
                @Tag(name='version', value='1')
                select * from CloudTrailEvent(eventName = 'GetCallerIdentity');""";
        TestApi.asAdmin().contentType("text/plain").body(rule).post("/rules/validate")
                .then().statusCode(200).body("rules[0].id", equalTo("11111111-2222-4333-8444-555555555555"));
        TestApi.asAdmin().contentType("text/plain").body(rule.replace("@Tag(name='version', value='1')", "")).post("/rules/validate")
                .then().statusCode(422).body("errors[0].message", containsString("version"));
        // nothing of it was deployed
        TestApi.asViewer().get("/rules").then().body("rules.id", not(hasItem("11111111-2222-4333-8444-555555555555")));
        TestApi.asAdmin().post("/rules/reload").then().statusCode(200).body("ok", equalTo(true));
    }

    @Test
    @Order(5)
    void aChangedLadderChangesAnIncidentsSeverityAndABrokenOneIsRefusedWithItsLine() throws Exception {
        // A discovery-only incident with two suspicious contexts (unknown IP, non-admin) is Medium on the shipped ladder.
        post(burst("AIDALADDERA00000001", Instant.parse("2024-10-02T10:01:00Z"), 40));
        String incidentA = incidentOf("AIDALADDERA00000001", "Medium");

        String shipped = Files.readString(RULES.resolve("scoring.yaml"));
        String medium = "    - severity: Medium\n      suspicious: 2\n";
        edit("scoring.yaml", medium, "    - severity: High\n      suspicious: 2\n");
        watcher.poll();
        TestApi.asViewer().get("/rules").then().body("lastReload.ok", equalTo(true));

        // The open incident keeps its history and is re-scored from its next signal: the same incident, now High.
        post(burst("AIDALADDERA00000001", Instant.parse("2024-10-02T10:31:00Z"), 40));
        assertThat(incidentOf("AIDALADDERA00000001", "High")).isEqualTo(incidentA);
        incidentOf("AIDALADDERB00000001", null);
        post(burst("AIDALADDERB00000001", Instant.parse("2024-10-02T11:01:00Z"), 40));
        incidentOf("AIDALADDERB00000001", "High");

        // A broken ladder is refused with its file and line; the ladder before it keeps working.
        String changed = Files.readString(RULES.resolve("scoring.yaml"));
        int line = (int) changed.lines().takeWhile(l -> !l.equals("    - severity: High")).count() + 1;
        Files.writeString(RULES.resolve("scoring.yaml"), changed.replace("    - severity: High\n", "    - severity: Urgent\n"));
        watcher.poll();
        TestApi.asViewer().get("/rules").then()
                .body("lastReload.ok", equalTo(false))
                .body("lastReload.errors[0].file", equalTo("scoring.yaml"))
                .body("lastReload.errors[0].line", equalTo(line))
                .body("lastReload.errors[0].message", containsString("Urgent"));
        post(burst("AIDALADDERC00000001", Instant.parse("2024-10-02T12:01:00Z"), 40));
        incidentOf("AIDALADDERC00000001", "High");

        Files.writeString(RULES.resolve("scoring.yaml"), shipped);
        watcher.poll();
        TestApi.asViewer().get("/rules").then().body("lastReload.ok", equalTo(true));
        post(burst("AIDALADDERD00000001", Instant.parse("2024-10-02T13:01:00Z"), 40));
        incidentOf("AIDALADDERD00000001", "Medium");
    }

    static final String SIGMA_FILE = "discovery_caller_identity_from_probe_network.yml";
    static final String SIGMA_ID = "5b0c2f4e-7d1a-4c3b-9e8f-1a2b3c4d5e6f";
    static final String SIGMA_RULE = """
            title: Caller identity checked from the probe network
            id: 5b0c2f4e-7d1a-4c3b-9e8f-1a2b3c4d5e6f
            status: test
            description: GetCallerIdentity from the test's probe address.
            logsource:
                product: aws
                service: cloudtrail
            detection:
                selection:
                    eventName: GetCallerIdentity
                    sourceIPAddress: '198.51.100.77'
                condition: selection
            falsepositives:
                - none, a test
            tags:
                - attack.discovery
                - attack.t1087.004
            level: high
            """;

    @Test
    @Order(6)
    void aSigmaRuleDroppedIntoTheFolderRunsAndAnEditChangesItAndABrokenOneIsRefusedWithItsLine() throws Exception {
        Path sigma = RULES.resolve(SIGMA_FILE);
        Files.writeString(sigma, SIGMA_RULE);
        watcher.poll();
        TestApi.asViewer().get("/rules").then().statusCode(200)
                .body("lastReload.ok", equalTo(true))
                .body("lastReload.added", hasItem(SIGMA_FILE))
                .body("rules.find { it.id == '" + SIGMA_ID + "' }.severity", equalTo("High"));
        post(List.of(CloudTrailJson.record("sigma-1", Instant.parse("2024-10-03T10:00:00Z"), "GetCallerIdentity", "AIDASIGMAPROBE00001", "probe", "198.51.100.77")));
        assertThat(sigmaAlerts("AIDASIGMAPROBE00001")).isEqualTo(1);

        // Edited on disk: the new address is the one that alerts, the old one no longer does.
        edit(SIGMA_FILE, "'198.51.100.77'", "'198.51.100.78'");
        watcher.poll();
        TestApi.asViewer().get("/rules").then().body("lastReload.ok", equalTo(true)).body("lastReload.redeployed", hasItem(SIGMA_FILE));
        post(List.of(CloudTrailJson.record("sigma-2", Instant.parse("2024-10-03T10:05:00Z"), "GetCallerIdentity", "AIDASIGMAPROBE00002", "probe", "198.51.100.77"),
                CloudTrailJson.record("sigma-3", Instant.parse("2024-10-03T10:06:00Z"), "GetCallerIdentity", "AIDASIGMAPROBE00003", "probe", "198.51.100.78")));
        assertThat(sigmaAlerts("AIDASIGMAPROBE00002")).isZero();
        assertThat(sigmaAlerts("AIDASIGMAPROBE00003")).isEqualTo(1);

        // Broken (an unsupported modifier on line 11): refused with file and line; the edited version and
        // every other rule keep running.
        edit(SIGMA_FILE, "sourceIPAddress:", "sourceIPAddress|windash:");
        watcher.poll();
        TestApi.asViewer().get("/rules").then().statusCode(200)
                .body("lastReload.refused[0].file", equalTo(SIGMA_FILE))
                .body("lastReload.refused[0].line", equalTo(11))
                .body("lastReload.refused[0].message", containsString("windash"))
                .body("rules.id", hasItems(SIGMA_ID, SLIDING));
        post(List.of(CloudTrailJson.record("sigma-4", Instant.parse("2024-10-03T10:10:00Z"), "GetCallerIdentity", "AIDASIGMAPROBE00004", "probe", "198.51.100.78")));
        assertThat(sigmaAlerts("AIDASIGMAPROBE00004")).isEqualTo(1);

        Files.delete(sigma);
        watcher.poll();
        TestApi.asViewer().get("/rules").then().body("lastReload.removed", hasItem(SIGMA_FILE)).body("rules.id", not(hasItem(SIGMA_ID)));
    }

    private static int sigmaAlerts(String principalId) {
        return TestApi.asViewer().queryParam("principal", principalId).get("/alerts").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.ruleId == '" + SIGMA_ID + "' }").size();
    }

    /**
     * The incident id of the principal's latest incident alert, checking its severity; with a null
     * severity, checks there is none yet.
     */
    private static String incidentOf(String principalId, String severity) {
        List<Map<String, Object>> incidents = TestApi.asViewer().queryParam("principal", principalId).queryParam("limit", 1000)
                .get("/alerts").then().statusCode(200).extract().jsonPath().getList("findAll { it.ruleId == 'trailsentry-incident' }");
        if (severity == null) {
            assertThat(incidents).isEmpty();
            return null;
        }
        assertThat(incidents).isNotEmpty();
        Map<String, Object> latest = incidents.stream().max(java.util.Comparator.comparing(m -> String.valueOf(m.get("detectedAt")))).orElseThrow();
        assertThat(latest.get("severity")).as("severity of %s's incident: %s", principalId, latest.get("severityReason")).isEqualTo(severity);
        return String.valueOf(latest.get("incidentId"));
    }

    private static void edit(String file, String from, String to) throws IOException {
        Path path = RULES.resolve(file);
        String text = Files.readString(path);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " does not contain '" + from + "'");
        }
        // write-and-rename, as editors save
        Path tmp = RULES.resolve("." + file + ".swp");
        Files.writeString(tmp, text.replace(from, to));
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> burst(String principalId, Instant start, int n) {
        List<String> lines = new ArrayList<>(CloudTrailJson.burst(principalId, "u-" + principalId, start, n, 3, "203.0.113.50"));
        // One tick per burst (its own eventID: a repeated one is a duplicate and would not move the clock).
        lines.add(CloudTrailJson.record("tick-" + principalId + "-" + start.getEpochSecond(), start.plusSeconds(1200), "GetCallerIdentity", "AIDAOTHER", "ops", "10.0.0.1"));
        return lines;
    }

    private static void post(List<String> lines) {
        TestApi.asAdmin().body(String.join("\n", lines)).post("/events").then().statusCode(202);
    }
}
