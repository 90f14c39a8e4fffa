package io.trailsentry.engine;

import io.trailsentry.context.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stage vocabulary is data (epl/stages.yaml): read once, checked at load, every mistake named with its line. */
class StageVocabularyTest {

    @TempDir
    Path rules;

    @Test
    void theShippedCatalogDeclaresTheLadderWithTiersPointsAndTactics() {
        StageCatalog catalog = StageCatalog.read(Path.of("epl", "stages.yaml"));
        assertThat(catalog.keys()).startsWith("initial_access", "discovery").endsWith("impact");
        assertThat(catalog.find("credential_access")).get().satisfies(s -> {
            assertThat(s.tier()).isEqualTo(StageCatalog.Tier.CRITICAL);
            assertThat(s.mitre()).startsWith("TA0006:");
            assertThat(s.points()).isPositive();
        });
        assertThat(StageProperties.stageKeys()).as("every in<Stage> property names a declared stage").allMatch(catalog::contains);
        assertThat(StageCatalog.bundled().keys()).as("the jar's copy is the same file").isEqualTo(catalog.keys());
    }

    @Test
    void aRuleNamingAStageThatIsNotDeclaredIsRefusedWithItsLine() throws Exception {
        Files.writeString(rules.resolve("discovery_typo.epl"), """
                // a rule whose stage is misspelt

                @Name('discovery_typo')
                @Description('Lists users.')
                @Tag(name='id', value='11111111-2222-4333-8444-555555555555')
                @Tag(name='name', value='Typo')
                @Tag(name='severity', value='Low')
                @Tag(name='stage', value='dicovery')
                @Tag(name='mitre', value='TA0007:T1580')
                @Tag(name='version', value='1.0.0')
                select * from CloudTrailEvent(eventName = 'ListUsers');
                """);
        CompiledRules compiled = EsperEngine.compile(rules, java.util.Map.of());
        try (EsperEngine engine = new EsperEngine(hit -> { })) {
            assertThatThrownBy(() -> engine.deploy(compiled, java.util.Map.of()))
                    .isInstanceOfSatisfying(RuleLoadException.class, e -> {
                        RuleError error = e.errors().get(0);
                        assertThat(error.file()).isEqualTo("discovery_typo.epl");
                        assertThat(error.line()).isEqualTo(3);
                        assertThat(error.message()).contains("unknown stage 'dicovery'", "discovery");
                    });
        }
    }

    @Test
    void aMistakeInTheStagesFileIsAnErrorWithItsLineAndTheRulesAreNotLoaded() throws Exception {
        String shipped = Files.readString(Path.of("epl", "stages.yaml"));
        Files.writeString(rules.resolve("stages.yaml"), shipped.replace("  - key: discovery", "  - key: dicovery"));
        assertThatThrownBy(() -> EsperEngine.compile(rules, java.util.Map.of()))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.errors()).anySatisfy(error -> {
                    assertThat(error.file()).isEqualTo("stages.yaml");
                    assertThat(error.message()).contains("'discovery' is not declared", "inDiscovery");
                }));

        Files.writeString(rules.resolve("stages.yaml"), shipped.replace("tier: critical", "tier: severe"));
        assertThatThrownBy(() -> EsperEngine.compile(rules, java.util.Map.of()))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> {
                    RuleError error = e.errors().get(0);
                    List<String> lines = shipped.lines().toList();
                    assertThat(lines.get(error.line() - 1)).contains("tier: critical");
                    assertThat(error.message()).contains("severe", "low, medium, high, critical");
                });
    }

    @Test
    void aRulesFolderWithoutAStagesFileUsesTheBundledOne() throws Exception {
        assertThat(EsperEngine.compile(rules, java.util.Map.of()).stages().keys()).isEqualTo(StageCatalog.bundled().keys());
    }
}
