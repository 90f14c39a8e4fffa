package io.trailsentry.sample;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps {@code samples/cloudtrail-sample.jsonl} equal, byte for byte, to what the generator makes from
 * {@link SampleSpec#bundled()}, so the committed sample can't drift from the code. After a deliberate
 * generator change, rewrite it with {@code -Dtrailsentry.sample.regenerate=true} and review the diff.
 */
class BundledSampleTest {

    static final Path BUNDLED = Path.of("samples", "cloudtrail-sample.jsonl");

    @Test
    void committedSampleMatchesTheGenerator(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path fresh = tmp.resolve("cloudtrail-sample.jsonl");
        new SampleGenerator(SampleSpec.bundled()).writeJsonLines(fresh, false);
        if (Boolean.getBoolean("trailsentry.sample.regenerate")) {
            Files.copy(fresh, BUNDLED, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(Files.exists(BUNDLED), BUNDLED.toAbsolutePath() + " is missing: run this test with "
                + "-Dtrailsentry.sample.regenerate=true to create it");
        byte[] expected = Files.readAllBytes(BUNDLED);
        byte[] actual = Files.readAllBytes(fresh);
        if (!Arrays.equals(expected, actual)) {
            fail(BUNDLED + " differs from the generator's output (" + expected.length + " vs " + actual.length
                    + " bytes). If the generator change is intended, rerun with "
                    + "-Dtrailsentry.sample.regenerate=true and commit the new sample.");
        }
        assertTrue(expected.length < 2_000_000, "keep the bundled sample under 2 MB, it is " + expected.length);
    }
}
