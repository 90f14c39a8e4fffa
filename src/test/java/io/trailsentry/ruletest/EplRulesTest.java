package io.trailsentry.ruletest;

import io.trailsentry.context.StageCatalog;
import io.trailsentry.engine.Mitre;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.engine.TestRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule in {@code epl/} against its own sample events, and the rule set's metadata for
 * consistency: CI fails when a rule change breaks its samples, without anyone touching Java.
 */
class EplRulesTest {

    static final Path RULES = Path.of("epl");
    static RuleTestRunner runner;

    @BeforeAll
    static void compile() throws Exception {
        runner = new RuleTestRunner(RULES, TestRules.compile(RULES));
    }

    @TestFactory
    Stream<DynamicTest> everyRuleTestCasePasses() {
        List<DynamicTest> tests = new ArrayList<>();
        // Both cores, as `rules test` runs them.
        runner.runAll(RuleTestRunner.findTestFiles(List.of(RULES)), Runtime.getRuntime().availableProcessors(), (file, results) -> {
            for (RuleTestResult result : results) {
                tests.add(DynamicTest.dynamicTest(RULES.relativize(file) + ": " + result.caseName(),
                        () -> assertTrue(result.passed(), result.detail())));
            }
        });
        assertThat(tests).isNotEmpty();
        return tests.stream();
    }

    @Test
    void everyRuleHasPositiveAndNegativeSamples() {
        Map<String, List<RuleTestFile>> filesByRule = RuleTestRunner.findTestFiles(List.of(RULES)).stream()
                .map(RuleTestFile::read).collect(Collectors.groupingBy(RuleTestFile::rule));
        for (RuleMetadata rule : runner.rules()) {
            List<RuleTestCase> cases = filesByRule.getOrDefault(rule.id(), List.of()).stream()
                    .flatMap(f -> f.cases().stream()).toList();
            assertThat(cases).as("fire cases of %s (%s)", rule.statementName(), rule.file()).anyMatch(RuleTestCase::expectsFire);
            assertThat(cases).as("silent cases of %s (%s)", rule.statementName(), rule.file()).anyMatch(c -> !c.expectsFire());
        }
    }

    /** Precision is shown, not claimed: every rule has at least as many near-miss negatives as positives. */
    @Test
    void everyRuleHasAtLeastAsManyNearMissNegativesAsPositives() {
        Map<String, List<RuleTestFile>> filesByRule = RuleTestRunner.findTestFiles(List.of(RULES)).stream()
                .map(RuleTestFile::read).collect(Collectors.groupingBy(RuleTestFile::rule));
        for (RuleMetadata rule : runner.rules()) {
            List<RuleTestCase> cases = filesByRule.getOrDefault(rule.id(), List.of()).stream().flatMap(f -> f.cases().stream()).toList();
            long positives = cases.stream().filter(RuleTestCase::expectsFire).count();
            assertThat(cases.size() - positives).as("near-miss negatives of %s (%d positives)", rule.statementName(), positives)
                    .isGreaterThanOrEqualTo(positives);
        }
    }

    /** A rule's ATT&CK tactic is the tactic of its (first) stage, and its technique is one ATT&CK files under that tactic. */
    @Test
    void everyRulesTechniqueBelongsToTheTacticOfItsStage() throws Exception {
        Map<String, java.util.Set<String>> tacticsOf = new java.util.HashMap<>();
        for (String line : java.nio.file.Files.readAllLines(Path.of("src/test/resources/mitre/enterprise-techniques.tsv"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] cells = line.split("\t");
                tacticsOf.put(cells[0], java.util.Set.of(cells[1].split(",")));
            }
        }
        StageCatalog stages = StageCatalog.read(RULES.resolve("stages.yaml"));
        for (RuleMetadata rule : runner.rules()) {
            String stageTactic = Mitre.parse(stages.find(rule.stages().get(0)).orElseThrow().mitre()).tacticId();
            assertThat(rule.mitre().tacticId()).as("tactic of %s, whose stage is %s", rule.statementName(), rule.stages().get(0))
                    .isEqualTo(stageTactic);
            String technique = rule.mitre().techniqueId();
            java.util.Set<String> tactics = tacticsOf.getOrDefault(technique, tacticsOf.get(technique.split("\\.")[0]));
            assertThat(tactics).as("ATT&CK technique %s of %s", technique, rule.statementName()).isNotNull();
            assertThat(tactics).as("tactics of %s (%s)", technique, rule.statementName()).contains(rule.mitre().tacticId());
        }
    }

    @Test
    void ruleFilesAreNamedAfterTheirStageAndStatement() {
        for (RuleMetadata rule : runner.rules()) {
            String fileName = Path.of(rule.file()).getFileName().toString();
            assertThat(fileName).as("file of rule %s", rule.id()).startsWith(rule.stages().get(0) + "_");
            assertThat(fileName).as("file of rule %s", rule.id()).isEqualTo(rule.statementName() + ".epl");
        }
    }

    @Test
    void ruleIdsAreUniqueUuids() {
        assertThat(runner.rules()).extracting(RuleMetadata::id).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        assertThat(runner.rules()).isNotEmpty();
    }
}
