package io.trailsentry.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A rule's regular expression cannot hold the engine (issue #17, 7): {@code userAgent regexp '(.*a){12}'}
 * on a 51-character value once held the engine's lock for hours, and ingest, status, rules and reload
 * with it. EPL's {@code regexp} (Java's backtracking engine, no limit) is refused at compile time;
 * {@code matchesRegex} reads the value within a step budget, and a rule that spends it is disabled with
 * the reason while the other rules, and the next events, go on. The budget counts reads, not time,
 * so the outcome is the same on every machine.
 */
class RuleBudgetTest {

    private static final String TAGS = """
            @Tag(name='severity', value='Low') @Tag(name='stage', value='discovery') @Tag(name='mitre', value='TA0007:T1580')
            @Tag(name='version', value='1')
            """;

    @Test
    void aCatastrophicPatternDisablesItsRuleAndTheEngineGoesOn(@TempDir Path rules) throws Exception {
        Files.writeString(rules.resolve("10_catastrophic.epl"), "@Name('catastrophic') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000001') @Tag(name='name', value='Catastrophic')\n" + TAGS
                + "select * from CloudTrailEvent(matchesRegex(userAgent, '(.*a){12}'));\n");
        Files.writeString(rules.resolve("20_plain.epl"), "@Name('plain') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000002') @Tag(name='name', value='Plain')\n" + TAGS
                + "select * from CloudTrailEvent(eventName = 'ListUsers', matchesRegex(userAgent, '.*[Bb]oto.*'));\n");
        List<RuleHit> hits = new ArrayList<>();
        CompiledRules compiled = EsperEngine.compile(rules);
        try (DetectionEngine engine = new DetectionEngine(new EngineSettings(rules, Duration.ZERO, Map.of()), compiled, hits::add)) {
            Instant t = Instant.parse("2024-08-01T10:00:00Z");
            String hostile = "a".repeat(50) + "!"; // 51 characters: hours of backtracking for (.*a){12}

            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                engine.accept(TestEvents.call("ListUsers", t, "AIDA1", "10.0.0.1").userAgent(hostile).eventID("e1").build());
                engine.accept(TestEvents.call("ListUsers", t.plusSeconds(1), "AIDA1", "10.0.0.1").userAgent("Boto3/1.34 " + hostile)
                        .eventID("e2").build());
                engine.flush();
            });

            assertThat(engine.disabledFiles()).singleElement().satisfies(off -> {
                assertThat(off.file().relativePath()).isEqualTo("10_catastrophic.epl");
                assertThat(off.rules()).extracting(RuleMetadata::name).containsExactly("Catastrophic");
                assertThat(off.reason()).contains("(.*a){12}").contains("catastrophic backtracking");
            });
            assertThat(engine.rules()).extracting(RuleMetadata::name).containsExactly("Plain");
            assertThat(hits).extracting(h -> h.rule().name()).containsExactly("Plain");
            assertThat(engine.stats().processed()).isEqualTo(2);

            // a reload of the same text keeps it off; a changed file is deployed again
            engine.swapRules(EsperEngine.compile(rules));
            assertThat(engine.disabledFiles()).hasSize(1);
            Files.writeString(rules.resolve("10_catastrophic.epl"), Files.readString(rules.resolve("10_catastrophic.epl"))
                    .replace("(.*a){12}", "a{12}"));
            engine.swapRules(EsperEngine.compile(rules));
            assertThat(engine.disabledFiles()).isEmpty();
            assertThat(engine.rules()).extracting(RuleMetadata::name).containsExactlyInAnyOrder("Catastrophic", "Plain");
        }
    }

    @Test
    void aBudgetSpentInASelectClauseDisablesTheRuleToo(@TempDir Path rules) throws Exception {
        // Not a filter: Esper reports it through its exception handler, mid-statement.
        Files.writeString(rules.resolve("10_select.epl"), "@Name('in_select') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000003') @Tag(name='name', value='In select')\n" + TAGS
                + "select *, matchesRegex(userAgent, '(.*a){12}') as m from CloudTrailEvent where eventName = 'ListUsers';\n");
        List<RuleHit> hits = new ArrayList<>();
        try (DetectionEngine engine = new DetectionEngine(new EngineSettings(rules, Duration.ZERO, Map.of()), EsperEngine.compile(rules), hits::add)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                engine.accept(TestEvents.call("ListUsers", Instant.parse("2024-08-01T10:00:00Z"), "AIDA1", "10.0.0.1")
                        .userAgent("a".repeat(50) + "!").eventID("e1").build());
                engine.flush();
            });

            assertThat(engine.disabledFiles()).singleElement().satisfies(off -> assertThat(off.statement()).isEqualTo("in_select"));
            assertThat(engine.rules()).isEmpty();
        }
    }

    @Test
    void aRuleTakenFromTheCompiledRuleCacheKeepsItsBudget(@TempDir Path rules, @TempDir Path cacheDir) throws Exception {
        // A budgeted function compiles to a call that rethrows (RuleSandbox.BUDGETED_FUNCTIONS): the
        // cache key covers that, and a module read back from the cache is disabled like a fresh one.
        assertThat(RuleSandbox.cacheFingerprint()).contains("matchesRegex=matchesRegex!rethrow").doesNotContain("inCidr=inCidr!");
        Files.writeString(rules.resolve("10_catastrophic.epl"), "@Name('catastrophic') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000004') @Tag(name='name', value='Catastrophic')\n" + TAGS
                + "select * from CloudTrailEvent(matchesRegex(userAgent, '(.*a){12}'));\n");
        Files.writeString(rules.resolve("20_plain.epl"), "@Name('plain') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000005') @Tag(name='name', value='Plain')\n" + TAGS
                + "select * from CloudTrailEvent(eventName = 'ListUsers');\n");
        CompiledRuleCache cache = CompiledRuleCache.in(cacheDir);
        EsperEngine.compile(rules, Map.of(), cache);
        Map<Path, String> written = cacheEntries(cacheDir);
        assertThat(written).hasSize(2);

        CompiledRules cached = EsperEngine.compile(rules, Map.of(), cache);
        assertThat(cacheEntries(cacheDir)).as("both modules came from the cache").isEqualTo(written);
        List<RuleHit> hits = new ArrayList<>();
        EngineSettings settings = new EngineSettings(rules, Duration.ZERO, Map.of()).withRuleCache(cache);
        try (DetectionEngine engine = new DetectionEngine(settings, cached, hits::add)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                engine.accept(TestEvents.call("ListUsers", Instant.parse("2024-08-01T10:00:00Z"), "AIDA1", "10.0.0.1")
                        .userAgent("a".repeat(50) + "!").eventID("e1").build());
                engine.flush();
            });

            assertThat(engine.disabledFiles()).extracting(off -> off.file().relativePath()).containsExactly("10_catastrophic.epl");
            assertThat(hits).extracting(h -> h.rule().name()).containsExactly("Plain");
            engine.swapRules(EsperEngine.compile(rules, Map.of(), cache));
            assertThat(engine.disabledFiles()).as("the same text from the cache stays off").hasSize(1);
        }
    }

    /** Each entry with its file identity: an entry written again is a new file (written aside, then moved). */
    private static Map<Path, String> cacheEntries(Path dir) throws java.io.IOException {
        Map<Path, String> entries = new java.util.HashMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                var attributes = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
                entries.put(f, attributes.fileKey() + "@" + attributes.lastModifiedTime().toMillis());
            }
        }
        return entries;
    }

    @Test
    void eplRegexpAndStringMatchesAreRefusedWithTheWayOut() {
        for (String epl : List.of("select * from CloudTrailEvent(userAgent regexp '(.*a){12}')",
                "select userAgent.matches('(.*a){12}') as m from CloudTrailEvent",
                "select userAgent.replaceAll('(.*a){12}', '') as m from CloudTrailEvent")) {
            EsperEngine.Validation result = EsperEngine.validate("// rule\n\n" + epl + ";\n", "regex.epl", io.trailsentry.context.StageCatalog.bundled());

            assertThat(result.valid()).as(epl).isFalse();
            assertThat(result.errors().get(0).message()).as(epl).contains("matchesRegex");
            assertThat(result.errors().get(0).line()).as(epl).isEqualTo(3);
        }
    }

    @Test
    void ordinaryPatternsStayWellWithinTheBudgetOnTheLongestValue() {
        String longest = "x".repeat(64 * 1024);
        assertThat(RuleFunctions.matchesRegex(longest, ".*[Bb]oto.*")).isFalse();
        assertThat(RuleFunctions.containsRegex(longest + "boto3", "[Bb]oto[0-9]")).isTrue();
        assertThat(RuleFunctions.matchesRegex(null, ".*")).isFalse();
    }
}
