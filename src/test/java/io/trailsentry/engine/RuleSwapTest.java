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
 * Swapping a rule set keeps the state of rules that did not change and refuses a broken set whole.
 * Three shipped rules show it (the swap works by file, whatever the set's size); compiled without
 * the cache, they are also this suite's proof that compiling shipped rules needs no cache.
 */
class RuleSwapTest {

    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    static final String COMPAT_FILE = "discovery_iam_enumeration_compat.epl";
    static final String SLIDING_FILE = "discovery_iam_enumeration_sliding.epl";
    static final String TRAIL_STOPPED_FILE = "defense_evasion_cloudtrail_stopped_or_deleted.epl";

    static Path copyOfRules(Path dir) throws Exception {
        return TestRules.copyOf(dir, COMPAT_FILE, SLIDING_FILE, TRAIL_STOPPED_FILE);
    }

    @Test
    void unchangedRulesKeepTheirWindowsAcrossASwap(@TempDir Path dir) throws Exception {
        Path rules = copyOfRules(dir);
        List<RuleHit> hits = new ArrayList<>();
        try (EsperEngine engine = new EsperEngine(hits::add)) {
            engine.deploy(EsperEngine.compile(rules), Map.of());
            Instant bin = Instant.parse("2024-08-01T10:00:00Z");
            TestEvents.burst("AIDAKEEP", bin.plusSeconds(10), 40, 5, "203.0.113.1").forEach(engine::send);

            Path sliding = rules.resolve(SLIDING_FILE);
            Files.writeString(sliding, Files.readString(sliding).replace("iam_enum_sliding_threshold = 50", "iam_enum_sliding_threshold = 500"));
            EsperEngine.SwapResult result = engine.swap(EsperEngine.compile(rules), Map.of());
            assertThat(result.redeployed()).containsExactly(SLIDING_FILE);
            assertThat(result.added()).isEmpty();

            // 20 more in the same bin: the compat rule still holds the first 40, so it sees 60
            TestEvents.burst("AIDAKEEP", bin.plusSeconds(300), 20, 5, "203.0.113.1").stream()
                    .map(e -> e.toBuilder().eventID(e.getEventID() + "-after").build()).forEach(engine::send);
            engine.advanceTo(bin.plusSeconds(601).toEpochMilli());
        }
        assertThat(hits).filteredOn(h -> h.rule().id().equals(COMPAT)).extracting(RuleHit::count).containsExactly(60L);
        assertThat(hits).filteredOn(h -> h.rule().file().equals(SLIDING_FILE)).isEmpty();
    }

    @Test
    void aBrokenSetIsRefusedWholeAndTheRunningRulesStay(@TempDir Path dir) throws Exception {
        Path rules = copyOfRules(dir);
        try (EsperEngine engine = new EsperEngine(h -> { })) {
            engine.deploy(EsperEngine.compile(rules), Map.of());
            int before = engine.rules().size();
            assertThat(before).isEqualTo(3);
            Files.writeString(rules.resolve(TRAIL_STOPPED_FILE),
                    Files.readString(rules.resolve(TRAIL_STOPPED_FILE)).replace("@Tag(name='mitre', value='TA0005:T1562.008')", ""));
            // compiles, but the scratch deployment finds the rule without its MITRE tag
            CompiledRules broken = EsperEngine.compile(rules);
            assertThatThrownBy(() -> engine.swap(broken, Map.of()))
                    .isInstanceOf(RuleLoadException.class)
                    .hasMessageContaining(TRAIL_STOPPED_FILE).hasMessageContaining("mitre");
            assertThat(engine.rules()).hasSize(before);
        }
    }
}
