package io.trailsentry.engine;

import io.trailsentry.context.StageCatalog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code POST /rules/validate} compiles and inspects a submitted text but never runs it (issue #17, 6):
 * deploying it into a scratch runtime evaluated variable initialisers, view parameters and filter
 * constants, so {@code BigInteger.valueOf(3).pow(200000000)} held a thread for minutes and concurrent
 * ones ran out of memory. Compiling alone takes well under a second for each of these; initialisers that
 * would throw if run show that nothing runs, and the bomb itself is now refused by the sandbox.
 */
class RuleValidationTest {

    private static final String BOMB = "BigInteger.valueOf(3).pow(200000000)";

    private static final String RULE = """
            @Name('probe') @Description('probe')
            @Tag(name='id', value='11111111-2222-4333-8444-555555555555') @Tag(name='name', value='Probe')
            @Tag(name='severity', value='Low') @Tag(name='stage', value='discovery') @Tag(name='mitre', value='TA0007:T1580')
            @Tag(name='version', value='1')
            """;

    @Test
    void aVariableInitialiserIsNotRun() {
        // Running it throws (deploying used to, and answered "deploy failed"): validation never runs it.
        EsperEngine.Validation result = validateQuickly("create variable int n = Integer.parseInt('not a number');\n"
                + RULE + "select * from CloudTrailEvent(eventName.length() > n);");

        assertThat(result.errors()).isEmpty();
        assertThat(result.rules()).extracting(RuleMetadata::id).containsExactly("11111111-2222-4333-8444-555555555555");
    }

    @Test
    void filterConstantsAndViewParametersAreNotRun() {
        assertThat(validateQuickly(RULE + "select * from CloudTrailEvent(eventName = String.valueOf(Integer.parseInt('x')));").errors()).isEmpty();
        assertThat(validateQuickly(RULE + "select * from CloudTrailEvent#length(Integer.parseInt('x'));").errors()).isEmpty();
        assertThat(validateQuickly(RULE + "select * from CloudTrailEvent#time(Integer.parseInt('x') sec);").errors()).isEmpty();
    }

    @Test
    void theIssuesBombIsRefusedAtCompileTime() {
        // And were it allowed, it would not run: BigInteger.pow is an amplifier the sandbox refuses anyway.
        EsperEngine.Validation result = validateQuickly("create variable string huge = " + BOMB + ".toString();\n"
                + RULE + "select * from CloudTrailEvent(eventName = huge);");

        assertThat(result.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("java.math.BigInteger.pow"));
    }

    @Test
    void metadataProblemsAreStillFoundWithTheirLine() {
        EsperEngine.Validation result = validateQuickly("// header\n\n" + RULE.replace("@Tag(name='version', value='1')", "")
                + "select * from CloudTrailEvent;\n");

        assertThat(result.valid()).isFalse();
        assertThat(result.errors().get(0).message()).contains("version");
        assertThat(result.errors().get(0).line()).isEqualTo(3);
        EsperEngine.Validation twice = validateQuickly(RULE + "select * from CloudTrailEvent;\n"
                + RULE.replace("'probe'", "'probe2'") + "select * from CloudTrailEvent;\n");
        assertThat(twice.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("already used"));
    }

    @Test
    void concurrentBombsAllAnswer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<EsperEngine.Validation>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String epl = "create variable string huge" + i + " = " + BOMB + ".toString();\n" + RULE
                        + "select * from CloudTrailEvent#length(" + BOMB + ".intValue());";
                answers.add(pool.submit(() -> EsperEngine.validate(epl, "bomb.epl", StageCatalog.bundled())));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                for (Future<EsperEngine.Validation> answer : answers) {
                    assertThat(answer.get().errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("BigInteger.pow"));
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    private static EsperEngine.Validation validateQuickly(String epl) {
        // Compiling is a second or two on a busy machine; running the bomb is minutes.
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> EsperEngine.validate(epl, "submitted.epl", StageCatalog.bundled()));
    }
}
