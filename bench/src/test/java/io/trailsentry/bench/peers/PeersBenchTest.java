package io.trailsentry.bench.peers;

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

/** {@code bench --peers} runs end to end on a tiny input and writes its figures; the figures themselves come from running it. */
class PeersBenchTest {

    @Test
    void printsTheTableAndWritesJson(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new PeersBench(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--peers", "--events", "4000", "--rate", "20", "--principals", "50", "--rounds", "1", "--out", dir.toString()));

        assertThat(code).isZero();
        assertThat(out.toString()).contains("| parse-only", "| TrailSentry", "| Esper rules alone", "| Siddhi 5.1.21, window join", "| Siddhi 5.1.21, keyed table", "| plain Java baseline", "equal: ");
        JsonNode json = AlertJson.mapper().readTree(dir.resolve("peers-latest.json").toFile());
        assertThat(json.get("allAgree").asBoolean()).isTrue();
        assertThat(json.get("engines")).hasSize(5);
        for (JsonNode engine : json.get("engines")) {
            assertThat(engine.get("eventsPerSecond").asLong()).as(engine.get("name").asText()).isPositive();
            assertThat(engine.get("alerts").asLong()).as(engine.get("name").asText()).isPositive();
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(new PeersBench(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of("--events", "many"))).isEqualTo(2);
        assertThat(err.toString()).contains("usage:");
    }
}
