package io.trailsentry.ruletest;

import io.trailsentry.engine.TestRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Files run on several threads give what they give one after another, in the same order. */
class RuleTestRunnerTest {

    @Test
    void filesOnTwoThreadsReportAsOneAfterAnotherInFileOrder(@TempDir Path dir) throws Exception {
        String[] rules = {"discovery_iam_enumeration_sliding", "defense_evasion_cloudtrail_stopped_or_deleted", "persistence_access_key_created_for_other_user"};
        TestRules.copyOf(dir, java.util.Arrays.stream(rules).map(rule -> rule + ".epl").toArray(String[]::new));
        for (String rule : rules) {
            Files.copy(TestRules.SHIPPED.resolve(rule + ".tests.yaml"), dir.resolve(rule + ".tests.yaml"));
        }
        // One more file whose case fails: a failure is reported in its place, not lost or moved.
        Files.writeString(dir.resolve("zz_broken.tests.yaml"), Files.readString(dir.resolve(rules[1] + ".tests.yaml"))
                .replaceFirst("expect: *fire", "expect: silent"));
        RuleTestRunner runner = new RuleTestRunner(dir, TestRules.compile(dir));
        List<Path> files = RuleTestRunner.findTestFiles(List.of(dir));

        List<String> sequential = new ArrayList<>();
        files.forEach(file -> runner.run(file).forEach(r -> sequential.add(describe(file, r))));
        List<String> parallel = new ArrayList<>();
        runner.runAll(files, 2, (file, results) -> results.forEach(r -> parallel.add(describe(file, r))));

        assertThat(parallel).isEqualTo(sequential);
        assertThat(sequential).anyMatch(line -> line.startsWith("zz_broken") && line.endsWith("false"));
        assertThat(sequential.stream().filter(line -> line.endsWith("true")).count()).isGreaterThan(10);
    }

    private static String describe(Path file, RuleTestResult result) {
        return file.getFileName() + " " + result.caseName() + " " + result.passed();
    }
}
