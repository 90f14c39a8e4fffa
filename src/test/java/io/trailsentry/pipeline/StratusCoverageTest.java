package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every Stratus Red Team detonation (public CloudTrail of real attack techniques) yields at least
 * one signal of the stage its technique name says: {@code aws.<stage>.<technique>.json}.
 */
class StratusCoverageTest {

    static Path corpus() {
        return Stream.of(Path.of("..", "shared", "data", "stratus-detonation-logs"), Path.of("/work/shared/data/stratus-detonation-logs"))
                .filter(Files::isDirectory).findFirst().orElse(null);
    }

    @TestFactory
    Stream<DynamicTest> everyTechniqueYieldsASignalOfItsStage() throws IOException {
        Path corpus = corpus();
        assumeTrue(corpus != null, "Stratus detonation logs not beside the checkout");
        List<Path> files;
        try (Stream<Path> list = Files.list(corpus)) {
            files = list.filter(p -> p.getFileName().toString().startsWith("aws.") && p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String stage = file.getFileName().toString().split("\\.")[1].replace('-', '_').toLowerCase(Locale.ROOT);
            PipelineFixture fixture = new PipelineFixture();
            fixture.pipeline.ingest(file);
            fixture.pipeline.finish();
            fixture.pipeline.close();
            assertThat(fixture.deadLetters).isEmpty();
            assertThat(fixture.signals())
                    .as("signals of %s: %s", file.getFileName(), fixture.signals().stream().map(a -> a.rule().ruleName() + a.stages()).toList())
                    .anyMatch(a -> a.stages().contains(stage));
            assertThat(fixture.incidents()).isNotEmpty();
        }));
    }
}
