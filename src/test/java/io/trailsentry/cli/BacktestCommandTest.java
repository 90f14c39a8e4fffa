package io.trailsentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rules backtest} on a day of traffic: a copy of the shipped rules with the bulk-secrets
 * threshold lowered from 10 to 5 and an allowlist entry for a scanner. The diff names exactly what
 * changes: the reader of six secrets (under the old threshold, over the new one) gets a new alert;
 * the scanner's alert is gone (allowlisted: kept, sent to no one); the other actor's traffic is the
 * same under both sets and does not show. (Neither incident pages in either set: each opens on
 * building-block secret reads, and the scorer raises no new incident alert when an alerting signal
 * joins it in the same stage at the same severity.)
 */
class BacktestCommandTest {

    static final String ACCOUNT = "111122223333";
    static final Instant NIGHT = Instant.parse("2026-01-20T02:00:00Z");
    static final String BULK_SECRETS = "cbb110e7-c48f-4608-a834-81864ba34b32";

    @TempDir
    static Path dir;
    static Path changed;
    static Path traffic;
    static Path config;

    @BeforeAll
    static void aChangedCopyOfTheRulesAndADayOfTraffic() throws IOException {
        changed = dir.resolve("changed-rules");
        Files.createDirectories(changed);
        try (Stream<Path> files = Files.list(Path.of("epl"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, changed.resolve(f.getFileName()));
            }
        }
        Path rule = changed.resolve("credential_access_secrets_bulk_retrieval.epl");
        String text = Files.readString(rule);
        assertThat(text).contains("create variable int secrets_bulk_threshold = 10;");
        Files.writeString(rule, text.replace("create variable int secrets_bulk_threshold = 10;", "create variable int secrets_bulk_threshold = 5;"));
        Files.writeString(changed.resolve("allowlist.yaml"), "principals:\n  - arn:aws:iam::*:user/scanner-*\n");

        List<String> lines = new ArrayList<>();
        // Six distinct secrets at night: under the shipped threshold, over the changed one.
        for (int i = 0; i < 6; i++) {
            lines.add(secretRead("reader-" + i, NIGHT.plusSeconds(30L * i), "reader", "s" + i));
        }
        // The scanner reads twelve: over both thresholds, and allowlisted in the changed rules.
        for (int i = 0; i < 12; i++) {
            lines.add(secretRead("scanner-" + i, NIGHT.plusSeconds(3600 + 20L * i), "scanner-prod", "s" + i));
        }
        // Someone reading a few secrets through the day: under both thresholds.
        for (int h = 0; h < 24; h++) {
            lines.add(secretRead("daily-" + h, NIGHT.plusSeconds(3600L * h), "app", "s" + (h % 3)));
        }
        lines.sort(java.util.Comparator.comparing(l -> l.substring(l.indexOf("\"eventTime\":\"") + 13, l.indexOf("\"eventTime\":\"") + 33)));
        traffic = dir.resolve("day.jsonl");
        Files.write(traffic, lines);
        config = dir.resolve("backtest.properties");
        Files.writeString(config, "trailsentry.rules.cache-dir=target/rule-cache\n");
    }

    @Test
    void theDiffNamesTheAlertsTheThresholdAddsAndTheAllowlistRemoves() throws Exception {
        Result r = backtest("--json", "--max-new-alerts", "1");
        assertThat(r.code).as(r.err).isEqualTo(ExitCode.OK);
        JsonNode diff = new ObjectMapper().readTree(r.out);
        List<String> differences = new ArrayList<>();
        diff.get("differences").forEach(d -> differences.add(d.get("kind").asText() + " " + (d.get("incident").asBoolean() ? "incident" : "alert")
                + " " + d.get("ruleId").asText() + " " + d.get("actor").asText()));
        assertThat(differences).containsExactly(
                "NEW alert " + BULK_SECRETS + " reader",
                "GONE alert " + BULK_SECRETS + " scanner-prod");
        JsonNode added = diff.get("differences").get(0);
        assertThat(added.get("time").asText()).isEqualTo("2026-01-20T02:00:00Z");
        assertThat(added.get("after").asText()).isEqualTo("High");
        assertThat(added.get("before").isNull()).isTrue();
        JsonNode gone = diff.get("differences").get(1);
        assertThat(gone.get("before").asText()).isEqualTo("High");
        assertThat(gone.get("after").isNull()).isTrue();
        assertThat(diff.get("newAlerts").asInt()).isEqualTo(1);
        assertThat(diff.get("events").asInt()).isEqualTo(42);
    }

    @Test
    void moreNewAlertsThanAllowedExitOneAndTheTextGroupsByRuleAndActorPerDay() throws Exception {
        Result r = backtest("--max-new-alerts", "0");
        assertThat(r.code).as(r.out + r.err).isEqualTo(ExitCode.FINDINGS);
        assertThat(r.out).contains("new (only the changed rules): 1 alerts, 0 incidents")
                .contains("gone (only the deployed rules): 1 alerts, 0 incidents")
                .containsPattern(BULK_SECRETS + " +reader +1 +\\(2026-01-20: 1\\)")
                .containsPattern(BULK_SECRETS + " +scanner-prod +1 +\\(2026-01-20: 1\\)")
                .contains("1 new alert(s) and incident(s), more than --max-new-alerts 0");
    }

    @Test
    void aWindowLeavesOutWhatIsOutsideIt() throws Exception {
        // Only the scanner's hour: the reader's reads are before it.
        Result r = backtest("--json", "--from", "2026-01-20T03:00:00Z", "--to", "2026-01-20T04:00:00Z");
        assertThat(r.code).as(r.err).isEqualTo(ExitCode.OK);
        JsonNode diff = new ObjectMapper().readTree(r.out);
        assertThat(diff.get("newAlerts").asInt()).isZero();
        assertThat(diff.get("differences")).hasSize(1);
        assertThat(diff.get("differences").get(0).get("actor").asText()).isEqualTo("scanner-prod");
    }

    @Test
    void aRefusedRuleSetIsExitThreeAndAMissingInputFour() throws Exception {
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("scoring.yaml"), "suspicious-contexts: [nowhere]\n");
        Files.writeString(broken.resolve("x.epl"), "@Name('x') select * from CloudTrailEvent;\n");
        assertThat(run("--rules", broken.toString(), "--config", config.toString(), traffic.toString()).code).isEqualTo(ExitCode.RULES_REFUSED);
        assertThat(run("--rules", changed.toString(), "--config", config.toString(), dir.resolve("nothing.jsonl").toString()).code)
                .isEqualTo(ExitCode.INPUT_UNREADABLE);
    }

    private Result backtest(String... options) {
        List<String> args = new ArrayList<>(List.of("--rules", changed.toString(), "--baseline", "epl", "--config", config.toString()));
        args.addAll(List.of(options));
        args.add(traffic.toString());
        return run(args.toArray(String[]::new));
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RulesCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(Stream.concat(Stream.of("backtest"), Stream.of(args)).toList());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String secretRead(String eventId, Instant time, String user, String secretId) {
        return """
                {"eventVersion":"1.09","eventTime":"%s","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue",\
                "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.28","eventID":"%s","readOnly":true,\
                "eventType":"AwsApiCall","recipientAccountId":"%s","requestParameters":{"secretId":"%s"},\
                "userIdentity":{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s",\
                "accessKeyId":"AKIAEXAMPLE00000001","userName":"%s"}}"""
                .formatted(time, eventId, ACCOUNT, secretId, user.toUpperCase().replace("-", ""), ACCOUNT, user, ACCOUNT, user);
    }
}
