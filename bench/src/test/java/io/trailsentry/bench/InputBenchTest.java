package io.trailsentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code --input} and {@code --backtest} modes run end to end at tiny sizes and report every
 * figure they promise, in the shape promised; the figures themselves come from running the bench.
 */
class InputBenchTest {

    private static final Path SAMPLE = Path.of("samples/cloudtrail-sample.jsonl");

    @Test
    void inputModePrintsTheLimitEndToEndTheirRatioCpuPerThreadAndTheRuleCountTable(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--input", SAMPLE.toString(), "--repeat", "2", "--rounds", "2", "--rule-counts", "4,12", "--out", dir.toString()));

        assertThat(code).isZero();
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("| field-reading limit, one thread", "| end-to-end replay, ", "| end-to-end / limit | ",
                "| CPU per event, best round: reader thread / engine thread", "| event time a round |",
                "| the same from CPU time, a core each: limit / end-to-end (slower thread) / ratio |");
        assertThat(report).contains("| rules | compile + deploy | events/s (best round) | µs/event, wall | engine thread CPU µs/event | relative cost (engine CPU) | all threads CPU µs/event | alerts |");
        assertThat(report).contains("| 4 generated (4 single-call, 0 window) |", "| 12 generated (11 single-call, 1 window) |", "shipped (for reference)");
        JsonNode json = AlertJson.mapper().readTree(dir.resolve("bench-input-latest.json").toFile());
        assertThat(json.get("recordsPerRound").asLong()).isEqualTo(2 * 1_304);
        assertThat(json.get("eventsRead").asLong()).as("every copy of every round read, none dropped as a duplicate or late")
                .isEqualTo(2 * 2 * 1_304);
        assertThat(json.get("late").asLong()).isZero();
        assertThat(json.get("limitRecordsPerSecond").asLong()).isPositive();
        assertThat(json.get("endToEndEventsPerSecond").asLong()).isPositive();
        assertThat(json.get("engineThreadMicrosPerEvent").asDouble()).isPositive();
        assertThat(json.get("readerThreadMicrosPerEvent").asDouble()).isPositive();
        assertThat(json.get("rules").asInt()).isGreaterThan(12);
        assertThat(json.get("ruleCounts")).hasSize(2);
        assertThat(json.get("ruleCounts").get(1).get("rules").asInt()).isEqualTo(12);
        assertThat(json.get("ruleCounts").get(0).get("relativeCost").asDouble()).isEqualTo(1.0);
    }

    @Test
    void backtestModeReportsEventsPerSecondThroughBothRuleSets(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--backtest", "--events", "2000", "--principals", "20", "--out", dir.toString()));

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| **backtest throughput, both sets** |", "| new alerts and incidents");
        JsonNode json = AlertJson.mapper().readTree(dir.resolve("bench-backtest-latest.json").toFile());
        assertThat(json.get("events").asLong()).isGreaterThanOrEqualTo(2000);
        assertThat(json.get("eventsPerSecond").asLong()).isPositive();
        // the day's attacks are found by both sets
        assertThat(json.get("baselineSignals").asInt()).isPositive();
        assertThat(json.get("changedSignals").asInt()).isGreaterThanOrEqualTo(json.get("baselineSignals").asInt());
    }

    @Test
    void badInputArgumentsAreUsageErrors(@TempDir Path dir) {
        for (List<String> args : List.of(List.of("--input", dir.resolve("missing.jsonl").toString()),
                List.of("--input", SAMPLE.toString(), "--repeat", "0"),
                List.of("--input", SAMPLE.toString(), "--rule-counts", "16,0"),
                List.of("--input", SAMPLE.toString(), "--rule-counts", "many"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(new BenchCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)).run(args)).as(args.toString()).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
        }
        assertThat(BenchCommand.ruleCounts("none")).isEmpty();
        assertThat(BenchCommand.ruleCounts("16, 100")).containsExactly(16, 100);
    }

    @Test
    void repeatedCopiesFollowEachOtherWithFreshIdsAndTheLastRoundEndsAtTheInputsOwnTimes(@TempDir Path dir) throws Exception {
        // a gzip delivery file: the Records wrapper, one record without an eventTime
        Path file = dir.resolve("delivery.json.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            gz.write(("{\"Records\":[" + record("a", "2026-01-20T10:00:00Z") + "," + record("b", "2026-01-20T10:04:30Z") + ","
                    + "{\"eventID\":\"c\",\"eventName\":\"ListUsers\",\"requestParameters\":{\"x\":[1,{\"y\":null}]}}]}").getBytes(StandardCharsets.UTF_8));
        }
        RepeatedInput input = RepeatedInput.read(file);
        assertThat(input.records()).isEqualTo(3);
        assertThat(input.gzip()).isTrue();
        assertThat(input.period()).hasMinutes(6); // 4.5 minutes, rounded up, and a minute

        List<JsonNode> all = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            Path written = dir.resolve("round-" + round + ".jsonl.gz");
            assertThat(input.write(round, 2, 3, written)).isEqualTo(9);
            assertThat(FieldReadingLimit.read(written).records()).isEqualTo(9);
            for (String line : new String(new java.util.zip.GZIPInputStream(Files.newInputStream(written)).readAllBytes(),
                    StandardCharsets.UTF_8).split("\n")) {
                all.add(AlertJson.mapper().readTree(line));
            }
        }
        assertThat(all).hasSize(18);
        assertThat(new HashSet<>(all.stream().map(r -> r.get("eventID").asText()).toList())).as("eventIDs").hasSize(18);
        List<Instant> times = all.stream().filter(r -> r.has("eventTime")).map(r -> Instant.parse(r.get("eventTime").asText())).toList();
        assertThat(times).isSorted();
        assertThat(times.get(times.size() - 1)).isEqualTo(Instant.parse("2026-01-20T10:04:30Z"));
        assertThat(times.get(0)).isEqualTo(Instant.parse("2026-01-20T10:00:00Z").minus(input.period().multipliedBy(5)));
        // every other field as it was
        assertThat(all.get(2).get("requestParameters").toString()).isEqualTo("{\"x\":[1,{\"y\":null}]}");
        assertThat(all.get(0).get("userIdentity").get("arn").asText()).isEqualTo("arn:aws:iam::123456789012:user/a");
    }

    @Test
    void theFieldReadingLimitReadsEveryShape(@TempDir Path dir) throws Exception {
        Path lines = Files.writeString(dir.resolve("lines.jsonl"), record("a", "2026-01-20T10:00:00Z") + "\n" + record("b", "2026-01-20T10:00:01Z") + "\n");
        Path wrapper = Files.writeString(dir.resolve("wrapper.json"), "{\"Records\":[" + record("a", "2026-01-20T10:00:00Z") + "]}");
        Path array = Files.writeString(dir.resolve("array.json"), "[" + record("a", "2026-01-20T10:00:00Z") + "," + record("b", "2026-01-20T10:00:01Z") + "]");
        assertThat(FieldReadingLimit.read(lines).records()).isEqualTo(2);
        assertThat(FieldReadingLimit.read(wrapper).records()).isEqualTo(1);
        assertThat(FieldReadingLimit.read(array).records()).isEqualTo(2);
        assertThat(FieldReadingLimit.read(lines).checksum()).as("values were read").isPositive();
    }

    @Test
    void generatedRulesLoadWithTheirMetadataAndPutEqualityOnTheCallFirst(@TempDir Path dir) throws Exception {
        List<GeneratedRules.Call> calls = GeneratedRules.vocabulary(Path.of("epl"));
        assertThat(calls).hasSizeGreaterThan(100).contains(new GeneratedRules.Call("s3.amazonaws.com", "DeleteBucket", "impact", "TA0040:T1485"));

        Map<String, String> rules = GeneratedRules.write(Path.of("epl"), 30, dir);
        assertThat(rules).hasSize(30);
        assertThat(rules.keySet().stream().filter(f -> f.contains("_bench_window_"))).hasSize(3);
        assertThat(rules.values()).allSatisfy(epl -> assertThat(epl).containsPattern("from CloudTrailEvent\\((eventName = '|eventSource = ')"));
        assertThat(dir.resolve("stages.yaml")).exists();

        CompiledRules compiled = EsperEngine.compile(dir, Map.of());
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(dir), compiled, hit -> { })) {
            assertThat(engine.rules()).hasSize(30);
            assertThat(engine.rules()).allSatisfy(r -> assertThat(r.file()).startsWith(r.stages().get(0) + "_bench_"));
        }
    }

    private static String record(String id, String time) {
        return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDA" + id + "\","
                + "\"arn\":\"arn:aws:iam::123456789012:user/" + id + "\",\"accountId\":\"123456789012\",\"userName\":\"" + id + "\"},"
                + "\"eventTime\":\"" + time + "\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\","
                + "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"aws-cli/2.15.28\","
                + "\"requestParameters\":null,\"responseElements\":null,\"eventID\":\"" + id + "\",\"readOnly\":true,"
                + "\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"123456789012\"}";
    }
}
