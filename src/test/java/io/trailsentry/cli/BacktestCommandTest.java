package io.trailsentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.backtest.BacktestTraffic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static final String BULK_SECRETS = BacktestTraffic.BULK_SECRETS;

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
        Files.writeString(changed.resolve(BacktestTraffic.RULE_FILE), BacktestTraffic.loweredRule(Path.of("epl")));
        Files.writeString(changed.resolve("allowlist.yaml"), BacktestTraffic.ALLOWLIST);
        List<String> lines = BacktestTraffic.day();
        traffic = dir.resolve("day.jsonl");
        Files.write(traffic, lines);
        config = dir.resolve("backtest.properties");
        Files.writeString(config, "trailsentry.rules.cache-dir=target/rule-cache\n");
    }

    @Test
    void theDiffNamesTheAlertsTheThresholdAddsAndTheAllowlistRemoves() throws Exception {
        Result r = backtest("--json", "--max-new-alerts", "2");
        assertThat(r.code).as(r.err).isEqualTo(ExitCode.OK);
        JsonNode diff = new ObjectMapper().readTree(r.out);
        List<String> differences = new ArrayList<>();
        diff.get("differences").forEach(d -> differences.add(d.get("kind").asText() + " " + (d.get("incident").asBoolean() ? "incident" : "alert")
                + " " + d.get("ruleId").asText() + " " + d.get("actor").asText()));
        // Each actor's secret reads open a quiet incident of building blocks; the bulk-read alert joining
        // it pages the incident, so each alert brings its incident along.
        assertThat(differences).containsExactlyInAnyOrder(
                "NEW alert " + BULK_SECRETS + " reader",
                "NEW incident trailsentry-incident reader",
                "GONE incident trailsentry-incident scanner-prod",
                "GONE alert " + BULK_SECRETS + " scanner-prod");
        JsonNode added = difference(diff, "NEW", BULK_SECRETS);
        assertThat(added.get("time").asText()).isEqualTo("2026-01-20T02:00:00Z");
        assertThat(added.get("after").asText()).isEqualTo("High");
        assertThat(added.get("before").isNull()).isTrue();
        JsonNode gone = difference(diff, "GONE", BULK_SECRETS);
        assertThat(gone.get("before").asText()).isEqualTo("High");
        assertThat(gone.get("after").isNull()).isTrue();
        assertThat(diff.get("newAlerts").asInt()).as("alerts and incidents").isEqualTo(2);
        assertThat(diff.get("events").asInt()).isEqualTo(BacktestTraffic.EVENTS);
    }

    private static JsonNode difference(JsonNode diff, String kind, String ruleId) {
        for (JsonNode d : diff.get("differences")) {
            if (d.get("kind").asText().equals(kind) && d.get("ruleId").asText().equals(ruleId)) {
                return d;
            }
        }
        throw new AssertionError("no " + kind + " " + ruleId + " in " + diff);
    }

    @Test
    void moreNewAlertsThanAllowedExitOneAndTheTextGroupsByRuleAndActorPerDay() throws Exception {
        Result r = backtest("--max-new-alerts", "1");
        assertThat(r.code).as(r.out + r.err).isEqualTo(ExitCode.FINDINGS);
        assertThat(r.out).contains("new (only the changed rules): 1 alerts, 1 incidents")
                .contains("gone (only the deployed rules): 1 alerts, 1 incidents")
                .containsPattern(BULK_SECRETS + " +reader +1 +\\(2026-01-20: 1\\)")
                .containsPattern(BULK_SECRETS + " +scanner-prod +1 +\\(2026-01-20: 1\\)")
                .contains("2 new alert(s) and incident(s), more than --max-new-alerts 1");
    }

    @Test
    void aWindowLeavesOutWhatIsOutsideIt() throws Exception {
        // Only the scanner's hour: the reader's reads are before it.
        Result r = backtest("--json", "--from", "2026-01-20T03:00:00Z", "--to", "2026-01-20T04:00:00Z");
        assertThat(r.code).as(r.err).isEqualTo(ExitCode.OK);
        JsonNode diff = new ObjectMapper().readTree(r.out);
        assertThat(diff.get("newAlerts").asInt()).isZero();
        assertThat(diff.get("differences")).hasSize(2).allSatisfy(d -> {
            assertThat(d.get("actor").asText()).isEqualTo("scanner-prod");
            assertThat(d.get("kind").asText()).isEqualTo("GONE");
        });
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
}
