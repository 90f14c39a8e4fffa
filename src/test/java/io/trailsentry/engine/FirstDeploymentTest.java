package io.trailsentry.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A first deployment goes straight into the engine's own runtime (no scratch runtime) and is still
 * all or nothing: a set refused after some of its files went in leaves nothing deployed, and the
 * engine takes the next set as if nothing had happened. The checks are the scratch runtime's.
 */
class FirstDeploymentTest {

    static final String SLIDING_FILE = "discovery_iam_enumeration_sliding.epl";
    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";
    private static final String TAGS = """
            @Tag(name='severity', value='Low') @Tag(name='stage', value='discovery') @Tag(name='mitre', value='TA0007:T1580')
            @Tag(name='version', value='1')
            """;

    @TempDir
    Path rules;

    @Test
    void aSetRefusedAtItsLastFileLeavesNothingDeployedAndTheNextSetGoesIn() throws Exception {
        TestRules.copyOf(rules, "defense_evasion_cloudtrail_stopped_or_deleted.epl", "discovery_iam_enumeration_compat.epl", SLIDING_FILE);
        String sliding = Files.readString(rules.resolve(SLIDING_FILE));
        CompiledRules good = EsperEngine.compile(rules);
        Files.writeString(rules.resolve(SLIDING_FILE), sliding.replace("@Tag(name='mitre', value='TA0007:T1580')", ""));
        assertThat(Files.readString(rules.resolve(SLIDING_FILE))).isNotEqualTo(sliding);
        CompiledRules broken = EsperEngine.compile(rules);

        List<RuleHit> hits = new ArrayList<>();
        try (EsperEngine engine = new EsperEngine(hits::add)) {
            assertThatThrownBy(() -> engine.deploy(broken, Map.of()))
                    .isInstanceOf(RuleLoadException.class).hasMessageContaining(SLIDING_FILE).hasMessageContaining("mitre");
            assertThat(engine.rules()).isEmpty();
            assertThat(engine.deployedFiles()).isEmpty();

            // The same deployment ids, windows and variables again: nothing of the refused set is left in the way.
            engine.deploy(good, Map.of());
            assertThat(engine.rules()).hasSize(3);
            TestEvents.burst("AIDAAGAIN", Instant.parse("2024-08-01T10:01:00Z"), 51, 2, "203.0.113.1").forEach(engine::send);
        }
        assertThat(hits).filteredOn(h -> h.rule().id().equals(SLIDING)).hasSize(1);
    }

    @Test
    void twoRulesWithOneIdAreRefusedAndNothingIsDeployed() throws Exception {
        Files.writeString(rules.resolve("10_first.epl"), "@Name('first') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000010') @Tag(name='name', value='First')\n" + TAGS
                + "select * from CloudTrailEvent(eventName = 'ListUsers');\n");
        Files.writeString(rules.resolve("20_second.epl"), "@Name('second') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000010') @Tag(name='name', value='Second')\n" + TAGS
                + "select * from CloudTrailEvent(eventName = 'ListRoles');\n");
        CompiledRules compiled = EsperEngine.compile(rules);
        try (EsperEngine engine = new EsperEngine(h -> { })) {
            assertThatThrownBy(() -> engine.deploy(compiled, Map.of()))
                    .isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.errors()).singleElement().satisfies(error -> {
                        assertThat(error.file()).isEqualTo("20_second.epl");
                        assertThat(error.message()).contains("aaaaaaaa-0000-4000-8000-000000000010", "already used by 'first' in 10_first.epl");
                    }));
            assertThat(engine.rules()).isEmpty();
        }
    }

    @Test
    void aParameterNamingNoVariableIsRefusedAndNothingIsDeployed() throws Exception {
        Files.writeString(rules.resolve("10_counted.epl"), "create variable int threshold = 5;\n@Name('counted') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000011') @Tag(name='name', value='Counted')\n" + TAGS
                + "select count(*) from CloudTrailEvent(eventName = 'ListUsers')#length(10) having count(*) > threshold;\n");
        CompiledRules compiled = EsperEngine.compile(rules);
        try (EsperEngine engine = new EsperEngine(h -> { })) {
            assertThatThrownBy(() -> engine.deploy(compiled, Map.of("threshold", "7", "treshold", "9")))
                    .isInstanceOf(RuleLoadException.class).hasMessageContaining("rule parameter 'treshold' is not a variable");
            assertThat(engine.rules()).isEmpty();
            engine.deploy(compiled, Map.of("threshold", "7"));
            assertThat(engine.rules()).hasSize(1);
        }
    }
}
