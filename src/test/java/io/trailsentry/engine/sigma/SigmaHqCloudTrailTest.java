package io.trailsentry.engine.sigma;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SigmaHQ's AWS CloudTrail rules, when a copy is at hand (they are not shipped here: they carry
 * their own licence). Point {@code -Dsigmahq.dir=…} (or {@code SIGMAHQ_DIR}) at a checkout of
 * SigmaHQ/sigma or at its {@code rules/cloud/aws/cloudtrail} folder; without one the test is
 * skipped, so CI does not need it. Prints the import report and checks at least 95 % compile.
 */
class SigmaHqCloudTrailTest {

    static final Path LOCAL_SNAPSHOT = Path.of("/work/.mirror/SigmaHQ+sigma/repo");

    @Test
    void atLeast95PercentOfSigmaHqsCloudTrailRulesCompile(@TempDir Path scratch) throws Exception {
        Optional<Path> folder = cloudTrailRules(scratch);
        assumeTrue(folder.isPresent(), "no SigmaHQ checkout: set -Dsigmahq.dir to run this test");
        SigmaImport.Report report = SigmaImport.report(folder.get());
        report.lines().forEach(System.out::println);
        assertThat(report.rules()).hasSizeGreaterThan(40);
        assertThat(report.compiledPercent()).isGreaterThanOrEqualTo(95.0);
    }

    static Optional<Path> cloudTrailRules(Path scratch) throws Exception {
        String configured = System.getProperty("sigmahq.dir", System.getenv("SIGMAHQ_DIR"));
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            Path nested = dir.resolve("rules/cloud/aws/cloudtrail");
            return Optional.of(Files.isDirectory(nested) ? nested : dir);
        }
        if (!Files.isDirectory(LOCAL_SNAPSHOT)) {
            return Optional.empty();
        }
        // A bare snapshot of the repository: take the folder out of it with git.
        Path archive = scratch.resolve("aws.tar");
        Process git = new ProcessBuilder("git", "-C", LOCAL_SNAPSHOT.toString(), "archive", "-o", archive.toString(), "HEAD", "rules/cloud/aws")
                .redirectErrorStream(true).start();
        if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
            return Optional.empty();
        }
        Process tar = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", scratch.toString()).redirectErrorStream(true).start();
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            return Optional.empty();
        }
        Path dir = scratch.resolve("rules/cloud/aws/cloudtrail");
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }
}
