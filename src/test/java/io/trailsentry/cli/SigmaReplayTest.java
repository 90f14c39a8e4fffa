package io.trailsentry.cli;

import io.trailsentry.api.CloudTrailJson;


import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.AlertJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
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
 * A Sigma correlation in the rules folder runs in a replay beside the EPL rules: the seed's rule
 * written in Sigma alerts on the same burst as the EPL sliding rule, and its signal joins the actor's
 * incident like a native one.
 */
class SigmaReplayTest {

    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";
    static final String SIGMA = "6f1d3c52-8a0e-4a47-9d1b-2c5e7f9a0b13";

    @Test
    void aSigmaCorrelationAlertsInAReplayAndJoinsTheIncident(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectory(dir.resolve("rules"));
        try (Stream<Path> files = Files.list(Path.of("epl"))) {
            for (Path f : files.toList()) {
                Files.copy(f, rules.resolve(f.getFileName()));
            }
        }
        Files.copy(Path.of("src/test/resources/sigma/rules/discovery_iam_enumeration_sigma.yml"), rules.resolve("discovery_iam_enumeration_sigma.yml"));
        Path config = dir.resolve("replay.properties");
        Files.writeString(config, "trailsentry.rules.dir=" + rules + "\n");
        Path input = dir.resolve("burst.jsonl");
        Files.write(input, CloudTrailJson.burst("AIDASIGMAREPLAY0001", "scanner", Instant.parse("2024-08-01T10:01:00Z"), 64, 2, "203.0.113.1"));
        Path alerts = dir.resolve("alerts.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(List.of("--config", config.toString(), "--alerts", alerts.toString(), "--dead-letter", dir.resolve("d.jsonl").toString(),
                        input.toString()));

        assertThat(status).as(err.toString()).isZero();
        List<JsonNode> written = new ArrayList<>();
        for (String line : Files.readAllLines(alerts)) {
            written.add(AlertJson.mapper().readTree(line));
        }
        JsonNode sigma = written.stream().filter(a -> a.get("ruleId").asText().equals(SIGMA)).findFirst().orElseThrow();
        JsonNode sliding = written.stream().filter(a -> a.get("ruleId").asText().equals(SLIDING)).findFirst().orElseThrow();
        for (String field : List.of("count", "windowStart", "windowEnd", "principalId", "detectedAt", "stages", "mitre", "incidentId")) {
            assertThat(sigma.get(field)).as(field).isEqualTo(sliding.get(field));
        }
        assertThat(sigma.get("ruleName").asText()).isEqualTo("IAM enumeration burst (Sigma event_count)");
        // Same incident as the EPL rule's signal (compared above): the Sigma signal joined it.
        assertThat(sigma.get("incidentId").asText()).isNotBlank();
    }
}
