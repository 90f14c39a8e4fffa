package io.trailsentry.cli;

import io.trailsentry.api.CloudTrailJson;

import io.trailsentry.cli.ReplayCommand;

import io.trailsentry.alert.AlertJson;
import com.fasterxml.jackson.databind.JsonNode;
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

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCommandTest {

    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int replay(String... args) {
        return new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(List.of(args));
    }

    @Test
    void replayWritesAlertsAndASummaryAndIsIdempotent() throws Exception {
        Path input = burstFile("AIDAREPLAY000000001", 64);
        Path alerts = dir.resolve("alerts.jsonl");
        Path deadLetters = dir.resolve("dead.jsonl");

        assertThat(replay("--alerts", alerts.toString(), "--dead-letter", deadLetters.toString(), input.toString()))
                .as(err.toString()).isZero();

        List<JsonNode> written = readAlerts(alerts);
        assertThat(written).extracting(a -> a.get("ruleId").asText()).contains(COMPAT, SLIDING);
        assertThat(out.toString()).contains("64 events", "0 rejected", "events/s");

        out.reset();
        assertThat(replay("--alerts", alerts.toString(), "--dead-letter", deadLetters.toString(), input.toString())).isZero();
        assertThat(readAlerts(alerts)).hasSameSizeAs(written);
        assertThat(out.toString()).contains("(0 new in");
    }

    @Test
    void theBundledSampleFiresTheSeedAndSlidingRulesAndTheChainIsCritical() throws Exception {
        Path alerts = dir.resolve("sample-alerts.jsonl");
        assertThat(replay("--alerts", alerts.toString(), "--dead-letter", dir.resolve("d.jsonl").toString(),
                "samples/cloudtrail-sample.jsonl")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("1304 events", "0 rejected");
        List<JsonNode> written = readAlerts(alerts);

        List<String> compat = written.stream().filter(a -> a.get("ruleId").asText().equals(COMPAT))
                .map(a -> a.get("name").asText() + " " + a.get("count").asInt() + " " + a.get("sourceIp").asText()).sorted().toList();
        assertThat(compat).hasSize(3).allMatch(row -> row.endsWith("203.0.113.42") || row.endsWith("203.0.113.43") || row.endsWith("203.0.113.99"));
        assertThat(compat).anyMatch(row -> row.contains(" 64 203.0.113.42")).anyMatch(row -> row.contains(" 64 203.0.113.43"))
                .anyMatch(row -> row.contains(" 56 203.0.113.99"));
        JsonNode compatAlert = written.stream().filter(a -> a.get("ruleId").asText().equals(COMPAT)).findFirst().orElseThrow();
        for (String field : List.of("alertId", "ruleName", "severity", "score", "stages", "mitre", "principalId", "principalArn",
                "accountId", "name", "upnSuffix", "windowStart", "windowEnd", "count", "sourceIps", "eventNames", "errorCodes",
                "regions", "userAgents", "contexts", "displayName", "description", "evidence", "entities", "customDetails")) {
            assertThat(compatAlert.has(field)).as(field).isTrue();
        }
        assertThat(written).filteredOn(a -> a.get("ruleId").asText().equals(SLIDING)).extracting(a -> a.get("actorName").asText())
                .containsExactlyInAnyOrder("build-bot", "marketing-uploader");
        JsonNode worst = written.stream().filter(a -> a.get("ruleId").asText().equals("trailsentry-incident"))
                .filter(a -> a.get("severity").asText().equals("Critical")).reduce((a, b) -> b).orElseThrow();
        assertThat(worst.get("actorName").asText()).isEqualTo("marketing-uploader");
        assertThat(worst.get("linkedIdentities").toString()).contains("support-automation");

        theReadmesWorkedExampleIsThisReplay(written, out.toString());
    }

    /**
     * README's worked example shows this replay: its summary line's counts, and each table row's
     * rule, actors, severity and count of alerts or building blocks, must be what the replay wrote.
     */
    private static void theReadmesWorkedExampleIsThisReplay(List<JsonNode> written, String summary) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        java.util.regex.Matcher line = java.util.regex.Pattern.compile(
                "(\\d+) alerts for analysts, (\\d+) building-block signals, (\\d+) suppressed \\((\\d+) new in").matcher(readme);
        assertThat(line.find()).as("README shows a replay summary line").isTrue();
        assertThat(summary).contains(line.group(1) + " alerts for analysts, " + line.group(2) + " building-block signals, "
                + line.group(3) + " suppressed (" + line.group(4) + " new in");

        int begin = readme.indexOf("| rule | actor | severity | kind | what |");
        assertThat(begin).isPositive();
        java.util.regex.Pattern kind = java.util.regex.Pattern.compile("(\\d+) (alerts?|building blocks?)");
        int alerts = 0;
        int blocks = 0;
        for (String row : readme.substring(begin).lines().skip(2).takeWhile(l -> l.startsWith("|")).toList()) {
            String[] cells = row.split("\\|");
            String rule = cells[1].trim().replace(" (Sentinel compat)", "");
            List<String> actors = java.util.Arrays.stream(cells[2].split(",")).map(String::trim).toList();
            List<String> severities = java.util.Arrays.stream(cells[3].split("→")).map(String::trim).distinct().toList();
            java.util.regex.Matcher k = kind.matcher(cells[4]);
            assertThat(k.find()).as(row).isTrue();
            int count = Integer.parseInt(k.group(1));
            boolean buildingBlock = k.group(2).startsWith("building");
            List<JsonNode> matching = written.stream()
                    .filter(a -> a.get("ruleName").asText().equals(rule) && actors.contains(a.get("actorName").asText()))
                    .filter(a -> a.get("buildingBlock").asBoolean() == buildingBlock)
                    .toList();
            assertThat(matching).as(row).hasSize(count);
            assertThat(matching).extracting(a -> a.get("actorName").asText()).as(row).containsAll(actors);
            assertThat(matching).extracting(a -> a.get("severity").asText()).as(row).allMatch(severities::contains);
            if (buildingBlock) {
                blocks += count;
            } else {
                alerts += count;
            }
        }
        assertThat(alerts).as("the table's alerts add up to the summary line").isEqualTo(Integer.parseInt(line.group(1)));
        assertThat(blocks).as("the table's building blocks add up to the summary line").isEqualTo(Integer.parseInt(line.group(2)));
    }

    @Test
    void configFileOverridesRuleParameters() throws Exception {
        Path input = burstFile("AIDACONFIG000000001", 20);
        Path config = dir.resolve("replay.properties");
        Files.writeString(config, "trailsentry.rules.parameters.iam_enum_sliding_threshold=10\n");
        Path alerts = dir.resolve("alerts.jsonl");

        assertThat(replay("--config", config.toString(), "--alerts", alerts.toString(),
                "--dead-letter", dir.resolve("d.jsonl").toString(), input.toString())).as(err.toString()).isZero();

        assertThat(readAlerts(alerts)).extracting(a -> a.get("ruleId").asText())
                .filteredOn(id -> !id.equals("trailsentry-incident")).containsExactly(SLIDING);
    }

    @Test
    void replayAlsoWritesOcsfFindingsWhenAskedOncePerAlert() throws Exception {
        Path input = burstFile("AIDAOCSF00000000001", 64);
        Path alerts = dir.resolve("alerts.jsonl");
        Path findings = dir.resolve("findings.ocsf.jsonl");
        // The server's webhook keys in the same file are accepted and ignored: a replay pages no one.
        Path config = dir.resolve("shared.properties");
        Files.writeString(config, "trailsentry.sinks.ocsf-file.path=" + findings + "\n"
                + "trailsentry.sinks.webhook.url=http://127.0.0.1:9/never-called\n");

        assertThat(replay("--config", config.toString(), "--alerts", alerts.toString(), "--dead-letter", dir.resolve("d.jsonl").toString(),
                input.toString())).as(err.toString()).isZero();
        List<JsonNode> written = readAlerts(findings);
        assertThat(written).hasSameSizeAs(readAlerts(alerts)).allSatisfy(f -> assertThat(f.get("class_uid").asInt()).isEqualTo(2004));
        assertThat(written).extracting(f -> f.at("/metadata/uid").asText())
                .containsExactlyElementsOf(readAlerts(alerts).stream().map(a -> a.get("alertId").asText()).toList());
        assertThat(out.toString()).contains(written.size() + " new OCSF finding(s) in " + findings);

        out.reset();
        Path other = dir.resolve("other.ocsf.jsonl");
        assertThat(replay("--config", config.toString(), "--alerts", alerts.toString(), "--ocsf", other.toString(),
                "--dead-letter", dir.resolve("d.jsonl").toString(), input.toString())).isZero();
        assertThat(readAlerts(other)).hasSameSizeAs(written); // --ocsf wins over the configured path
        assertThat(readAlerts(findings)).hasSameSizeAs(written);
    }

    @Test
    void badRecordsGoToTheDeadLetterFileAndTheRestIsProcessed() throws Exception {
        List<String> lines = new ArrayList<>(CloudTrailJson.burst("AIDABADMIX000000001", "bad", Instant.parse("2024-08-01T10:01:00Z"), 60, 2, "203.0.113.1"));
        lines.add(10, "{\"eventTime\":\"2024-08-01T10:01:00Z\"");
        lines.add(20, "null");
        Path input = dir.resolve("mixed.jsonl");
        Files.write(input, lines);
        Path deadLetters = dir.resolve("dead.jsonl");

        assertThat(replay("--alerts", dir.resolve("a.jsonl").toString(), "--dead-letter", deadLetters.toString(), input.toString())).isZero();

        assertThat(out.toString()).contains("60 events", "2 rejected", deadLetters.toString());
        assertThat(Files.readAllLines(deadLetters)).hasSize(2);
        assertThat(readAlerts(dir.resolve("a.jsonl"))).extracting(a -> a.get("count").asInt()).contains(60);
    }

    @Test
    void missingInputAndUnknownOptionsAreClearErrorsWithTheDocumentedExitCodes() {
        assertThat(replay(dir.resolve("nope.json").toString())).isEqualTo(ExitCode.INPUT_UNREADABLE);
        assertThat(err.toString()).contains("does not exist");
        assertThat(replay("--frobnicate", "x.json")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("Unknown option: '--frobnicate'", "Usage: replay");
        assertThat(replay()).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("Missing required parameter");
    }

    @Test
    void helpPrintsTheOptionsAndTheExitCodes() {
        assertThat(replay("--help")).isEqualTo(ExitCode.OK);
        assertThat(out.toString()).contains("Usage: replay", "--alerts", "--dead-letter", "Exit codes:", "input unreadable");
    }

    @Test
    void anInputWithNoReadableRecordExitsNonZeroWithTheFirstReasons() throws Exception {
        Path input = dir.resolve("junk.jsonl");
        Files.write(input, List.of("{\"eventTime\":\"not a time\",\"eventName\":\"ListUsers\"}", "[1,2", "\"just text\""));

        assertThat(replay("--alerts", dir.resolve("a.jsonl").toString(), "--dead-letter", dir.resolve("d.jsonl").toString(),
                input.toString())).isEqualTo(ExitCode.INPUT_UNREADABLE);
        assertThat(err.toString()).contains("no CloudTrail record could be read", "eventTime");

        Path empty = dir.resolve("empty.jsonl");
        Files.write(empty, List.of());
        assertThat(replay("--alerts", dir.resolve("b.jsonl").toString(), "--dead-letter", dir.resolve("d.jsonl").toString(),
                empty.toString())).as("reading nothing is not a success").isEqualTo(ExitCode.INPUT_UNREADABLE);
    }

    private Path burstFile(String principalId, int n) throws IOException {
        Path input = dir.resolve(principalId + ".jsonl");
        Files.write(input, CloudTrailJson.burst(principalId, "someone", Instant.parse("2024-08-01T10:01:00Z"), n, 2, "203.0.113.1"));
        return input;
    }

    private static List<JsonNode> readAlerts(Path file) throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            alerts.add(AlertJson.mapper().readTree(line));
        }
        return alerts;
    }
}
