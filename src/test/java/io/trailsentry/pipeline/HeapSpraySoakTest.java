package io.trailsentry.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A million distinct principals through a 256 MB heap (issue #17, 2): a JVM of its own runs the
 * server's pipeline with the budget docs/operations.md's *Bounds* gives for such a heap, stays up, ends with the
 * heap well under its maximum, and still detects a real burst afterwards. Takes a few minutes, so it is
 * kept out of the default run: {@code ./mvnw test -Dtest=HeapSpraySoakTest -Dtrailsentry.soak=true}.
 * (Measured: 1,000,000 principals in 111 s on two busy cores, 61 MB after a collection, DETECTED.)
 */
@EnabledIfSystemProperty(named = "trailsentry.soak", matches = "true")
class HeapSpraySoakTest {

    @Test
    void aMillionPrincipalsThroughA256MbHeap() throws Exception {
        Path log = Files.createTempFile("heap-spray", ".log");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dtrailsentry.context.max-actors=20000", "-Dtrailsentry.scoring.max-open-incidents=5000",
                "-Dtrailsentry.context.max-lineage-links=20000", "-Dtrailsentry.engine.max-remembered-event-ids=1000000",
                "-Dtrailsentry.engine.max-rule-table-rows=50000", "-Dtrailsentry.engine.max-rule-window-events=50000",
                "-cp", System.getProperty("java.class.path"), HeapSprayMain.class.getName(), "1000000"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        boolean ended = process.waitFor(20, TimeUnit.MINUTES);
        String output = Files.readString(log);
        if (!ended) {
            process.destroyForcibly();
        }

        assertThat(ended).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("DETECTED").doesNotContain("OutOfMemoryError");
    }
}
