package io.trailsentry.engine.sigma;

import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ruletest.RuleTestCase;
import io.trailsentry.ruletest.RuleTestFile;
import io.trailsentry.ruletest.RuleTestResult;
import io.trailsentry.ruletest.RuleTestRunner;
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
 * The hand-written Sigma rule set ({@code src/test/resources/sigma/rules}: every supported
 * modifier, condition form and correlation type) against its own sample events, end to end: the
 * real CloudTrail parser, the context stage, the engine on event time and the alert factory, through
 * the same rule-test runner and {@code *.tests.yaml} format as the EPL rules.
 */
class SigmaRulesTest {

    static final Path RULES = Path.of("src/test/resources/sigma/rules");
    static CompiledRules compiled;
    static RuleTestRunner runner;

    @BeforeAll
    static void compile() throws Exception {
        compiled = EsperEngine.compile(RULES);
        runner = new RuleTestRunner(RULES, compiled);
    }

    @Test
    void everyRuleCompiles() {
        assertThat(compiled.refused()).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everySampleCasePasses() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : RuleTestRunner.findTestFiles(List.of(RULES))) {
            for (RuleTestResult result : runner.run(file)) {
                tests.add(DynamicTest.dynamicTest(RULES.relativize(file) + ": " + result.caseName(),
                        () -> assertTrue(result.passed(), result.detail())));
            }
        }
        assertThat(tests).hasSizeGreaterThan(50);
        return tests.stream();
    }

    @Test
    void everyAlertingRuleHasPositiveAndNegativeSamples() {
        Map<String, List<RuleTestFile>> filesByRule = RuleTestRunner.findTestFiles(List.of(RULES)).stream()
                .map(RuleTestFile::read).collect(Collectors.groupingBy(RuleTestFile::rule));
        for (RuleMetadata rule : runner.rules()) {
            List<RuleTestCase> cases = filesByRule.getOrDefault(rule.id(), List.of()).stream().flatMap(f -> f.cases().stream()).toList();
            assertThat(cases).as("fire cases of %s (%s)", rule.name(), rule.file()).anyMatch(RuleTestCase::expectsFire);
            assertThat(cases).as("silent cases of %s (%s)", rule.name(), rule.file()).anyMatch(c -> !c.expectsFire());
        }
    }

    @Test
    void rulesThatOnlyFeedACorrelationDoNotAlertOnTheirOwn() {
        List<String> ids = runner.rules().stream().map(RuleMetadata::id).toList();
        // generate: false (the default): the base rule of the seed correlation, the chained event_count
        assertThat(ids).doesNotContain("0b7d2e91-5c3a-4f6e-8a1d-9e4b7c2f5a60", "9e1b3d57-2f46-4a8c-b0d3-6c8e0a2f4b71");
        // generate: true
        assertThat(ids).contains("0f2b4d68-9a13-4c57-8e0f-2b4d6f8a0c35");
    }

    @Test
    void metadataComesFromTheSigmaHeader() {
        RuleMetadata rule = runner.rules().stream().filter(r -> r.id().equals("7e4c1a58-9b2d-4f03-8e6a-3c9d5b1f7a24")).findFirst().orElseThrow();
        assertThat(rule.statementName()).isEqualTo("initial_access_console_login_without_mfa_from_network");
        assertThat(rule.file()).isEqualTo("initial_access_console_login_without_mfa_from_network.yml");
        assertThat(rule.name()).isEqualTo("Console login without MFA from a watched network");
        assertThat(rule.version()).isEqualTo("2026-12-01");
        assertThat(rule.tag("source")).isEqualTo("sigma");
        assertThat(rule.tag("alert")).isNull();
        RuleMetadata low = runner.rules().stream().filter(r -> r.id().equals("1e9d5b37-8c24-4f6a-9b03-7a5e2c8f1d96")).findFirst().orElseThrow();
        assertThat(low.tag("alert")).isEqualTo("building-block");
        RuleMetadata withFalsePositives = runner.rules().stream().filter(r -> r.id().equals("4d6f8b02-7a13-4c59-be71-5f9b1d3e7c24")).findFirst().orElseThrow();
        assertThat(withFalsePositives.tag("falsepositives")).isEqualTo("A person who forgot their password, from the office network");
    }
}
