package io.trailsentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.AlertJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The representation bench runs on a tiny stream and the four event representations find the same
 * rows; no timing is asserted (the figures come from running the bench, not from here).
 */
class RepresentationBenchTest {

    @Test
    void allFourRepresentationsProduceTheSameRows(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--representations", "--events", "3000", "--rounds", "1", "--principals", "50", "--out", dir.toString()));

        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("| representation | send loop events/s |", "agreement: all four representations");
        JsonNode json = AlertJson.mapper().readTree(dir.resolve("bench-representations-latest.json").toFile());
        assertThat(json.get("agree").asBoolean()).isTrue();
        List<String> names = new ArrayList<>();
        JsonNode bean = json.get("representations").get(0);
        for (JsonNode variant : json.get("representations")) {
            names.add(variant.get("representation").asText());
            assertThat(variant.get("rowsByStatement")).isEqualTo(bean.get("rowsByStatement"));
            assertThat(variant.get("sendEventsPerSecond").asLong()).isPositive();
        }
        assertThat(names).containsExactly("bean", "map", "object_array", "json");
        // The injected enumeration burst and escalation chain reach every statement, so agreement is not agreement on nothing.
        for (String statement : RepresentationBench.OUTPUT_STATEMENTS) {
            assertThat(bean.get("rowsByStatement").get(statement).asLong()).as(statement).isPositive();
        }
    }
}
