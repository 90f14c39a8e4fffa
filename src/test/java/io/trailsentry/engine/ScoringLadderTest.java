package io.trailsentry.engine;

import io.trailsentry.context.DataFileException;
import io.trailsentry.context.RulesAllowlist;
import io.trailsentry.context.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The escalation ladder is data (epl/scoring.yaml): read with the rules, every mistake refused with
 * its file and line, the jar's copy used by folders that have none; and the rules folder's
 * allowlist.yaml likewise.
 */
class ScoringLadderTest {

    static final Path SHIPPED = Path.of("epl", "scoring.yaml");

    @TempDir
    Path rules;

    @Test
    void theShippedLadderSaysWhatTheTiersMakeAndWhereThePointsComeFrom() {
        ScoringLadder ladder = ScoringLadder.forRulesFolder(Path.of("epl"));
        assertThat(ladder.suspiciousContexts()).containsExactlyInAnyOrder("unknown_ip", "off_hours", "non_admin");
        assertThat(ladder.ladder()).extracting(ScoringLadder.Rung::severity)
                .containsExactly(Severity.Critical, Severity.Critical, Severity.High, Severity.Medium, Severity.Medium, Severity.Low);
        ScoringLadder.Rung first = ladder.ladder().get(0);
        assertThat(first.minStages()).isEqualTo(3);
        assertThat(first.explain("discovery, persistence, collection", 3, 0)).isEqualTo("3 stages (discovery, persistence, collection): Critical");
        assertThat(ladder.ladder().get(1).holds(2, EnumSet.of(StageCatalog.Tier.CRITICAL), 0)).isTrue();
        assertThat(ladder.ladder().get(1).holds(1, EnumSet.of(StageCatalog.Tier.CRITICAL), 0)).isFalse();
        assertThat(ladder.ladder().get(4).holds(1, EnumSet.of(StageCatalog.Tier.LOW), 2)).isTrue();
        assertThat(ladder.points().signal()).containsEntry(Severity.High, 10).hasSize(5);
        assertThat(ladder.points().context()).containsEntry("allowlisted", -30);
        assertThat(ladder.points().lineage()).isEqualTo(10);
        // the moves, as the README's table says
        assertThat(ladder.signal().allowlisted().apply(Severity.Critical)).isEqualTo(Severity.Informational);
        assertThat(ladder.signal().nothingSuspicious().apply(Severity.High)).isEqualTo(Severity.Medium);
        assertThat(ladder.signal().nothingSuspicious().apply(Severity.Informational)).isEqualTo(Severity.Informational);
        assertThat(ladder.incident().allowlisted().apply(Severity.Low)).isEqualTo(Severity.Informational);
        assertThat(ladder.incident().nothingSuspicious().apply(Severity.Medium)).isEqualTo(Severity.Low);
        assertThat(ladder.incident().nothingSuspicious().apply(Severity.Low)).isEqualTo(Severity.Low);
        assertThat(ladder.incident().nothingSuspicious().appliesTo(EnumSet.of(StageCatalog.Tier.LOW))).isFalse();
        assertThat(ladder.incident().nothingSuspicious().appliesTo(EnumSet.of(StageCatalog.Tier.LOW, StageCatalog.Tier.HIGH))).isTrue();
        assertThat(ladder.incident().nothingSuspicious().describe()).isEqualTo("one level down");
        assertThat(ladder.incident().allowlisted().describe()).isEqualTo("two levels down");
    }

    @Test
    void theJarCarriesTheSameLadderForFoldersWithoutOne() throws Exception {
        ScoringLadder shipped = ScoringLadder.forRulesFolder(Path.of("epl"));
        ScoringLadder bundled = ScoringLadder.forRulesFolder(rules); // an empty folder
        assertThat(bundled.source()).contains("bundled");
        assertThat(bundled.ladder()).isEqualTo(shipped.ladder());
        assertThat(bundled.points()).isEqualTo(shipped.points());
        assertThat(bundled.signal()).isEqualTo(shipped.signal());
        assertThat(bundled.incident()).isEqualTo(shipped.incident());
    }

    @Test
    void everyMistakeIsRefusedWithItsLine() {
        String shipped = read(SHIPPED);
        assertRefused(shipped.replace("    - severity: High\n", "    - severity: Urgent\n"), lineOf(shipped, "    - severity: High"),
                "severity 'Urgent' is not one of");
        assertRefused(shipped.replace("suspicious-contexts: [unknown_ip, off_hours, non_admin]", "suspicious-contexts: [unkown_ip, off_hours]"),
                lineOf(shipped, "suspicious-contexts:"), "unknown context 'unkown_ip'");
        assertRefused(shipped.replace("      tiers: [medium]", "      tiers: [meduim]"), lineOf(shipped, "      tiers: [medium]"),
                "tier 'meduim' is not one of low, medium, high, critical");
        assertRefused(shipped.replace("reason: \"only {stages}\"", "reason: \"only {stage}\""), lineOf(shipped, "reason: \"only {stages}\""),
                "reason names {stage}");
        assertRefused(shipped.replace("    - severity: Low\n      reason: \"only {stages}\"", "    - severity: Low\n      stages: 1\n      reason: \"only {stages}\""),
                lineOf(shipped, "    - severity: Low"), "the last rung must have no condition");
        assertRefused(shipped.replace("  lineage: 10", "  lineage: ten"), lineOf(shipped, "  lineage: 10"), "lineage must be a whole number");
        assertRefused(shipped.replace("  signal: {Informational: 1, ", "  signal: {"), lineOf(shipped, "  signal: {Informational"),
                "Informational is missing");
        assertRefused(shipped.replace("    levels: -2\n", "    levels: -2\n    flor: Low\n"), lineOf(shipped, "    levels: -2") + 1,
                "unknown key 'flor'");
        assertRefused(shipped + "\nextra: 1\n", lineOf(shipped + "\nextra: 1\n", "extra: 1"), "unknown key 'extra'");
        assertRefused("incident: [\n", 2, "not valid YAML");
    }

    @Test
    void aBrokenLadderRefusesTheRuleSetLikeARuleErrorWithFileAndLine() throws Exception {
        copyRule("discovery_iam_enumeration_sliding.epl");
        String shipped = read(SHIPPED);
        Files.writeString(rules.resolve(ScoringLadder.FILE_NAME), shipped.replace("stages: 3", "stages: three"));
        assertThatThrownBy(() -> EsperEngine.compile(rules, Map.of())).isInstanceOfSatisfying(RuleLoadException.class, e -> {
            RuleError error = e.errors().get(0);
            assertThat(error.file()).isEqualTo("scoring.yaml");
            assertThat(error.line()).isEqualTo(lineOf(shipped, "stages: 3"));
            assertThat(error.message()).contains("stages must be a whole number");
            assertThat(error.describe()).startsWith("scoring.yaml:" + lineOf(shipped, "stages: 3") + ": ");
        });

        Files.writeString(rules.resolve(ScoringLadder.FILE_NAME), shipped.replace("lineage: 10", "lineage: 40"));
        CompiledRules compiled = EsperEngine.compile(rules, Map.of());
        assertThat(compiled.ladder().points().lineage()).as("the folder's own ladder travels with its rules").isEqualTo(40);
        assertThat(compiled.allowlist()).isEqualTo(RulesAllowlist.NONE);
    }

    @Test
    void theRulesFolderAllowlistTravelsWithTheRulesAndIsCheckedLikeThem() throws Exception {
        copyRule("discovery_iam_enumeration_sliding.epl");
        Files.writeString(rules.resolve(RulesAllowlist.FILE_NAME), """
                # authorised scanners
                principals:
                  - arn:aws:iam::*:role/prowler-*
                user-agents:
                  - "*Prowler*"
                """);
        CompiledRules compiled = EsperEngine.compile(rules, Map.of());
        assertThat(compiled.allowlist().principals()).containsExactly("arn:aws:iam::*:role/prowler-*");
        assertThat(compiled.allowlist().userAgents()).containsExactly("*Prowler*");

        Files.writeString(rules.resolve(RulesAllowlist.FILE_NAME), "principals:\n  - arn:aws:iam::*:role/ok\n  - \"*\"\n");
        assertThatThrownBy(() -> EsperEngine.compile(rules, Map.of())).isInstanceOfSatisfying(RuleLoadException.class, e -> {
            assertThat(e.errors().get(0).file()).isEqualTo("allowlist.yaml");
            assertThat(e.errors().get(0).line()).isEqualTo(3);
            assertThat(e.errors().get(0).message()).contains("every caller");
        });
        Files.writeString(rules.resolve(RulesAllowlist.FILE_NAME), "principal:\n  - arn:aws:iam::*:role/ok\n");
        assertThatThrownBy(() -> EsperEngine.compile(rules, Map.of())).isInstanceOfSatisfying(RuleLoadException.class,
                e -> assertThat(e.errors().get(0).describe()).isEqualTo("allowlist.yaml:1: unknown key 'principal' (keys: principals, user-agents)"));
    }

    private void assertRefused(String yaml, int line, String message) {
        assertThatThrownBy(() -> ScoringLadder.parse("scoring.yaml", yaml)).as(message)
                .isInstanceOfSatisfying(DataFileException.class, e -> {
                    assertThat(e.reason()).contains(message);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.file()).isEqualTo("scoring.yaml");
                });
    }

    private void copyRule(String name) throws Exception {
        Files.copy(Path.of("epl", name), rules.resolve(name));
    }

    static int lineOf(String text, String fragment) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no line has " + fragment);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
