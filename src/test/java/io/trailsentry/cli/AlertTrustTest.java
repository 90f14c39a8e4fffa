package io.trailsentry.cli;

import io.trailsentry.api.CloudTrailJson;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.engine.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #14 end to end through {@code replay}: no detection shares an id with another, a replay adds
 * nothing, severity follows context, and building blocks and allowlisted activity never reach the
 * outputs meant for people (the OCSF file here; the server's outputs in the ITs).
 */
class AlertTrustTest {

    static final String ACCOUNT = "111122223333";
    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    static final String SECRET_RETRIEVAL = "4d1e2f3a-5b6c-4d7e-8f9a-0b1c2d3e4f5a";
    /** Tuesday 2024-08-06: 10:00 UTC is in business hours, 02:00 is not. */
    static final Instant TUESDAY_10 = Instant.parse("2024-08-06T10:00:00Z");
    static final Instant TUESDAY_02 = Instant.parse("2024-08-06T02:00:00Z");

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void fiveCallsByOneActorInOneSecondAreFiveAlertsAndAReplayAddsNone() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(call("secret-" + i, TUESDAY_10.plusMillis(i * 100L), "secretsmanager", "GetSecretValue", "mallory", "203.0.113.7",
                    "{\"secretId\":\"prod/db-" + i + "\"}"));
        }
        Path input = write("secrets.jsonl", lines);
        Path alerts = dir.resolve("alerts.jsonl");

        assertThat(replay(alerts, null, input)).as(err.toString()).isZero();
        List<JsonNode> first = read(alerts);
        List<JsonNode> secretReads = first.stream().filter(a -> a.get("ruleId").asText().equals(SECRET_RETRIEVAL)).toList();
        assertThat(secretReads).hasSize(5);
        assertThat(secretReads).extracting(a -> a.get("alertId").asText()).doesNotHaveDuplicates();
        assertThat(secretReads).extracting(a -> a.get("evidence").get(0).asText())
                .containsExactlyInAnyOrder("secret-0", "secret-1", "secret-2", "secret-3", "secret-4");

        out.reset();
        assertThat(replay(alerts, null, input)).isZero();
        assertThat(read(alerts)).as("the same input again writes no new line").hasSameSizeAs(first);
        assertThat(out.toString()).contains("(0 new in");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {14, 1, 2})
    void anInputShuffledWithinTheLatenessGivesTheSameAlertIds(int seed) throws Exception {
        List<String> lines = new ArrayList<>(CloudTrailJson.burst("AIDASHUFFLE00000001", "shuffler", TUESDAY_02, 64, 3, "203.0.113.9"));
        for (int i = 0; i < 5; i++) {
            lines.add(call("shuffle-secret-" + i, TUESDAY_02.plusSeconds(200), "secretsmanager", "GetSecretValue", "shuffler",
                    "203.0.113.9", "{\"secretId\":\"s" + i + "\"}"));
        }
        List<String> shuffled = new ArrayList<>(lines);
        Collections.shuffle(shuffled, new Random(seed)); // all 64 + 5 calls lie within 200 s, well inside the 5-minute lateness

        Path sortedAlerts = dir.resolve("sorted.jsonl");
        Path shuffledAlerts = dir.resolve("shuffled.jsonl");
        assertThat(replay(sortedAlerts, null, write("sorted-in.jsonl", lines))).isZero();
        assertThat(replay(shuffledAlerts, null, write("shuffled-in.jsonl", shuffled))).isZero();

        assertThat(ids(read(shuffledAlerts))).isNotEmpty().isEqualTo(ids(read(sortedAlerts)));
    }

    @Test
    void aKnownAdminInBusinessHoursFromAKnownNetworkRaisesNothingAtHighOrAbove() throws Exception {
        Path config = write("admin.properties", List.of(
                "trailsentry.context.admin-principals=arn:aws:iam::*:user/admin-*",
                "trailsentry.context.known-cidrs=10.0.0.0/8"));
        Path alerts = dir.resolve("alerts.jsonl");
        Path findings = dir.resolve("findings.jsonl");

        assertThat(replay(alerts, findings, write("admin.jsonl", listingThenCreateUser("admin-alice", TUESDAY_10, "10.1.2.3")),
                "--config", config.toString())).as(err.toString()).isZero();

        List<JsonNode> written = read(alerts);
        assertThat(written).extracting(a -> a.get("ruleId").asText()).contains(COMPAT, "3f5c2a9e-7b1d-4e8a-9c6f-1a2b3c4d5e6f");
        assertThat(written).as("no alert of any kind at High or above").allSatisfy(a ->
                assertThat(Severity.parse(a.get("severity").asText())).isLessThan(Severity.High));
        assertThat(read(findings)).isNotEmpty().allSatisfy(f -> assertThat(f.get("severity_id").asInt()).isLessThan(4));
        JsonNode sequence = written.stream().filter(a -> a.get("ruleId").asText().equals("3f5c2a9e-7b1d-4e8a-9c6f-1a2b3c4d5e6f"))
                .findFirst().orElseThrow();
        assertThat(sequence.get("baseSeverity").asText()).isEqualTo("High");
        assertThat(sequence.get("severity").asText()).isEqualTo("Medium");
        assertThat(sequence.get("severityReason").asText()).contains("one level down");
        JsonNode compat = written.stream().filter(a -> a.get("ruleId").asText().equals(COMPAT)).findFirst().orElseThrow();
        assertThat(compat.get("severity").asText()).as("the Sentinel port keeps its Medium").isEqualTo("Medium");
    }

    @Test
    void theSameStreamFromAnUnknownIpAtNightIsAHighOrCriticalIncident() throws Exception {
        Path config = write("admin.properties", List.of(
                "trailsentry.context.admin-principals=arn:aws:iam::*:user/admin-*",
                "trailsentry.context.known-cidrs=10.0.0.0/8"));
        Path alerts = dir.resolve("alerts.jsonl");

        assertThat(replay(alerts, null, write("night.jsonl", listingThenCreateUser("stranger", TUESDAY_02, "198.51.100.66")),
                "--config", config.toString())).as(err.toString()).isZero();

        assertThat(read(alerts)).filteredOn(a -> a.get("ruleId").asText().equals("trailsentry-incident"))
                .anySatisfy(a -> assertThat(Severity.parse(a.get("severity").asText())).isGreaterThanOrEqualTo(Severity.High));
    }

    @Test
    void anAllowlistedScannersDailyScanRaisesNothingAtMediumAndTheCompatRowIsStillComputed() throws Exception {
        Path config = write("scanner.properties", List.of("trailsentry.context.allowlisted-principals=arn:aws:iam::*:user/wiz-*"));
        Path alerts = dir.resolve("alerts.jsonl");
        Path findings = dir.resolve("findings.jsonl");

        assertThat(replay(alerts, findings, write("scan.jsonl", CloudTrailJson.burst("AIDAWIZSCANNER000001", "wiz-scanner", TUESDAY_10,
                600, 1, "52.0.0.10")), "--config", config.toString())).as(err.toString()).isZero();

        List<JsonNode> written = read(alerts);
        assertThat(written).allSatisfy(a -> assertThat(Severity.parse(a.get("severity").asText())).isLessThan(Severity.Medium));
        JsonNode compat = written.stream().filter(a -> a.get("ruleId").asText().equals(COMPAT)).findFirst().orElseThrow();
        assertThat(compat.get("count").asInt()).isGreaterThan(50);
        assertThat(compat.get("suppressed").asBoolean()).isTrue();
        assertThat(compat.get("baseSeverity").asText()).isEqualTo("Medium");
        assertThat(compat.get("severity").asText()).isEqualTo("Informational");
        assertThat(read(findings)).as("nothing suppressed reaches the OCSF file").isEmpty();
        assertThat(out.toString()).contains("0 alerts for analysts");
    }

    @Test
    void buildingBlocksAreInTheAlertFileAndNotInTheOutputsForPeopleUntilTheyCorrelate() throws Exception {
        Path alerts = dir.resolve("alerts.jsonl");
        Path findings = dir.resolve("findings.jsonl");
        // A lone CreateUser: a building block, and an incident of building blocks in one stage.
        Path input = write("one.jsonl", List.of(call("lone-create", TUESDAY_02, "iam", "CreateUser", "mallory", "203.0.113.7",
                "{\"userName\":\"backdoor\"}")));

        assertThat(replay(alerts, findings, input)).as(err.toString()).isZero();

        List<JsonNode> written = read(alerts);
        JsonNode createUser = written.stream().filter(a -> a.get("ruleId").asText().equals("7c8b7ed3-1988-493f-a222-84dbe22039b1"))
                .findFirst().orElseThrow();
        assertThat(createUser.get("buildingBlock").asBoolean()).isTrue();
        assertThat(written).filteredOn(a -> a.get("ruleId").asText().equals("trailsentry-incident")).as("kept, scored, not paged")
                .isNotEmpty().allSatisfy(a -> assertThat(a.get("buildingBlock").asBoolean()).isTrue());
        assertThat(read(findings)).as("nothing of it reaches people").isEmpty();

        // The same actor then reads a secret: a second stage. The incident now reaches people.
        Path more = write("two.jsonl", List.of(call("then-secret", TUESDAY_02.plusSeconds(60), "secretsmanager", "GetSecretValue",
                "mallory", "203.0.113.7", "{\"secretId\":\"prod/db\"}")));
        Path alerts2 = dir.resolve("alerts2.jsonl");
        Path findings2 = dir.resolve("findings2.jsonl");
        Path both = write("both.jsonl", java.util.stream.Stream.concat(Files.readAllLines(input).stream(), Files.readAllLines(more).stream()).toList());
        assertThat(replay(alerts2, findings2, both)).as(err.toString()).isZero();
        List<JsonNode> escalations = read(alerts2).stream().filter(a -> a.get("ruleId").asText().equals("trailsentry-incident")).toList();
        assertThat(escalations).anySatisfy(a -> {
            assertThat(a.get("buildingBlock").asBoolean()).isFalse();
            assertThat(a.get("stages").toString()).contains("persistence", "credential_access");
        });
        assertThat(read(findings2)).extracting(f -> f.at("/metadata/uid").asText())
                .containsExactlyElementsOf(read(alerts2).stream().filter(a -> !a.get("buildingBlock").asBoolean())
                        .map(a -> a.get("alertId").asText()).toList());
    }

    @Test
    void anIncidentOfBuildingBlocksIsPagedWhenARuleThatAlertsJoinsItInTheSameStage() throws Exception {
        // CreateUser (a building block), then an access key for that other user (an alert of the same
        // stage): the incident neither gains a stage nor need go up the ladder, yet now reaches people.
        Path input = write("same-stage.jsonl", List.of(
                call("bb-create", TUESDAY_02, "iam", "CreateUser", "mallory", "203.0.113.7", "{\"userName\":\"backdoor\"}"),
                call("then-key", TUESDAY_02.plusSeconds(60), "iam", "CreateAccessKey", "mallory", "203.0.113.7", "{\"userName\":\"backdoor\"}")));
        Path alerts = dir.resolve("same-stage-alerts.jsonl");
        Path findings = dir.resolve("same-stage-findings.jsonl");
        assertThat(replay(alerts, findings, input)).as(err.toString()).isZero();

        List<JsonNode> incidents = read(alerts).stream().filter(a -> a.get("ruleId").asText().equals("trailsentry-incident")).toList();
        assertThat(incidents).extracting(a -> a.get("buildingBlock").asBoolean()).as("first kept quiet, then paged").containsExactly(true, false);
        assertThat(incidents.get(1).get("stages").toString()).isEqualTo("[\"persistence\"]");
        assertThat(read(findings)).extracting(f -> f.at("/metadata/uid").asText()).contains(incidents.get(1).get("alertId").asText());
    }

    /** 60 IAM List calls, 5 s apart, then CreateUser: the write-up's enumeration followed by a persistence call. */
    static List<String> listingThenCreateUser(String user, Instant start, String ip) {
        List<String> lines = new ArrayList<>(CloudTrailJson.burst("AIDA" + user.toUpperCase().replace("-", "") + "0000", user, start, 60, 5, ip));
        lines.add(call(user + "-create", start.plusSeconds(310), "iam", "CreateUser", user, ip, "{\"userName\":\"svc-reporting\"}"));
        return lines;
    }

    static String call(String eventId, Instant time, String service, String eventName, String user, String ip, String requestParameters) {
        return """
                {"eventVersion":"1.09","eventTime":"%s","eventSource":"%s.amazonaws.com","eventName":"%s","awsRegion":"us-east-1",\
                "sourceIPAddress":"%s","userAgent":"aws-cli/2.15.28","eventID":"%s","readOnly":false,"eventType":"AwsApiCall",\
                "recipientAccountId":"%s","requestParameters":%s,\
                "userIdentity":{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s",\
                "accessKeyId":"AKIAEXAMPLE00000001","userName":"%s"}}"""
                .formatted(time, service, eventName, ip, eventId, ACCOUNT, requestParameters, user.toUpperCase(), ACCOUNT, user, ACCOUNT, user);
    }

    private int replay(Path alerts, Path findings, Path input, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--alerts", alerts.toString(), "--dead-letter", dir.resolve("dead.jsonl").toString()));
        if (findings != null) {
            args.addAll(List.of("--ocsf", findings.toString()));
        }
        args.add(input.toString());
        return new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        if (!Files.exists(file)) {
            return alerts;
        }
        for (String line : Files.readAllLines(file)) {
            alerts.add(AlertJson.mapper().readTree(line));
        }
        return alerts;
    }

    private static List<String> ids(List<JsonNode> alerts) {
        // the rule beside each id, so a difference names the rule whose identity moved
        return alerts.stream().map(a -> a.get("ruleId").asText() + " " + a.get("alertId").asText()).sorted().toList();
    }
}
