package io.trailsentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.AlertJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench command runs end to end on a tiny input and writes its figures; the real figures come from running it, not from here. */
class BenchCommandTest {

    @Test
    void printsTheTableAndWritesJson(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--events", "3000", "--rounds", "2", "--principals", "50", "--out", dir.toString()));

        assertThat(code).isZero();
        assertThat(out.toString()).contains("parse-only", "end-to-end", "peak heap", "| end-to-end / parse-only |");
        JsonNode json = AlertJson.mapper().readTree(dir.resolve("bench-latest.json").toFile());
        assertThat(json.get("events").asLong()).isGreaterThan(3000);
        assertThat(json.get("parseOnlyEventsPerSecond").asLong()).isPositive();
        assertThat(json.get("endToEndEventsPerSecond").asLong()).isPositive();
        assertThat(json.get("medianEndToEndEventsPerSecond").asLong()).isPositive().isLessThanOrEqualTo(json.get("endToEndEventsPerSecond").asLong());
        // the injected burst and chain are found at bench scale too, once in each round's week
        assertThat(json.get("rounds").asInt()).isEqualTo(2);
        assertThat(json.get("alerts").asLong()).isGreaterThanOrEqualTo(20);
        // Every week is the same traffic a week later, through one pipeline: the injected attacks (the
        // enumeration burst, the escalation chain) alert the same in both weeks. Not every rule does:
        // one that learns (GetCallerIdentity from an unknown IP) alerts in the first week only, and a
        // detection still gathering at a week's end reports in the next week's first minutes.
        JsonNode byRule = json.get("alertsByRule");
        for (String attack : List.of("IAM enumeration burst (sliding 10-minute window)", "AWSCloudTrail - User IAM Enumeration",
                "IAM user created", "Administrator policy attached", "Privilege or persistence call after discovery")) {
            assertThat(byRule.path(attack).asInt()).as(attack).isPositive();
            assertThat(byRule.path(attack).asInt() % 2).as(attack + " alerted an odd number of times over two identical weeks").isZero();
        }
        assertThat(byRule.size()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void theMedianIsTakenOverTheLaterHalfOfTheRounds() {
        // the first rounds warm the JIT up and are left out; an even count averages the middle two
        assertThat(BenchCommand.medianOfLaterHalf(List.of(1.0, 2.0, 9.0, 5.0, 7.0))).isEqualTo(7.0);
        assertThat(BenchCommand.medianOfLaterHalf(List.of(1.0, 1.0, 4.0, 6.0))).isEqualTo(5.0);
        assertThat(BenchCommand.medianOfLaterHalf(List.of(3.0))).isEqualTo(3.0);
    }

    @Test
    void measuresStatePerActiveActor(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--actors", "2000", "--out", dir.toString()));

        assertThat(code).isZero();
        assertThat(out.toString()).contains("per active actor", "still held for reordering");
        assertThat(AlertJson.mapper().readTree(dir.resolve("bench-actors-latest.json").toFile()).get("bytesPerActor").asLong()).isPositive();
    }

    @Test
    void measuresArrivalToAlertLatencyOnTheLivePath(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--latency", "--rate", "2000", "--seconds", "3", "--out", dir.toString()));

        assertThat(code).isZero();
        assertThat(out.toString()).contains("p99 arrival → alert", "histogram");
        assertThat(AlertJson.mapper().readTree(dir.resolve("bench-latency-latest.json").toFile()).get("alerts").asLong()).isPositive();
    }

    @Test
    void peersPointsToTheLauncherSinceThePeerEnginesAreNotInTheJar() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(new BenchCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of("--peers"))).isEqualTo(2);
        assertThat(err.toString()).contains("bin/trailsentry bench --peers");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(new BenchCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of("--events", "many"))).isEqualTo(2);
        assertThat(err.toString()).contains("usage:");
        err.reset();
        assertThat(new BenchCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of("--rounds", "0"))).isEqualTo(2);
        assertThat(err.toString()).contains("--rounds must be positive");
    }
}
