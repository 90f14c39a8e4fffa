package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache is shared by processes that compile the same rules at once (a build's test JVMs, a
 * server and a command): writers of one entry never leave a reader half an entry, nor scraps.
 */
class CompiledRuleCacheTest {

    @Test
    void writersOfOneEntryRacingEachOtherLeaveOneWholeEntryAndNoScraps(@TempDir Path rules, @TempDir Path cacheDir) throws Exception {
        String text = "@Name('plain') @Description('d')\n"
                + "@Tag(name='id', value='aaaaaaaa-0000-4000-8000-000000000020') @Tag(name='name', value='Plain')\n"
                + "@Tag(name='severity', value='Low') @Tag(name='stage', value='discovery') @Tag(name='mitre', value='TA0007:T1580')\n"
                + "@Tag(name='version', value='1')\n"
                + "select * from CloudTrailEvent(eventName = 'ListUsers');\n";
        Files.writeString(rules.resolve("10_plain.epl"), text);
        EPCompiled module = EsperEngine.compile(rules).files().get(0).compiled();
        CompiledRuleCache cache = CompiledRuleCache.in(cacheDir);
        String key = CompiledRuleCache.key("", "10_plain.epl", text);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                writers.add(pool.submit(() -> {
                    int read = 0;
                    for (int i = 0; i < 25; i++) {
                        cache.put(key, module);
                        // the entry this writer just moved in, or another writer's: whole either way
                        assertThat(cache.get(key)).isNotNull();
                        read++;
                    }
                    return read;
                }));
            }
            for (Future<Integer> writer : writers) {
                assertThat(writer.get()).isEqualTo(25);
            }
        } finally {
            pool.shutdownNow();
        }

        try (Stream<Path> files = Files.list(cacheDir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(key + ".jar");
        }
        CompiledRules fromCache = EsperEngine.compile(rules, Map.of(), cache);
        try (EsperEngine engine = new EsperEngine(h -> { })) {
            engine.deploy(fromCache, Map.of());
            assertThat(engine.rules()).extracting(RuleMetadata::name).containsExactly("Plain");
        }
    }

    @Test
    void theKeyFollowsTheEsperConfigurationTheRulesAreCompiledWith() {
        String shipped = CompiledRuleCache.configuration(EsperEngine.newConfiguration());
        assertThat(CompiledRuleCache.configuration(EsperEngine.newConfiguration())).isEqualTo(shipped);
        var unprioritised = EsperEngine.newConfiguration();
        unprioritised.getRuntime().getExecution().setPrioritized(false);
        assertThat(CompiledRuleCache.configuration(unprioritised)).isNotEqualTo(shipped);
        var otherPlanning = EsperEngine.newConfiguration();
        otherPlanning.getCompiler().getExecution().setFilterIndexPlanning(
                com.espertech.esper.common.client.configuration.compiler.ConfigurationCompilerExecution.FilterIndexPlanning.BASIC);
        assertThat(CompiledRuleCache.configuration(otherPlanning)).isNotEqualTo(shipped);
    }

    /**
     * The same from one JVM to the next: a fingerprint that changed between starts (a map iterated in
     * the JVM's random order) would make every start compile every rule again.
     */
    @Test
    void theConfigurationPartOfTheKeyIsTheSameInAnotherJvm() throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"), PrintConfigurationKey.class.getName())
                .redirectErrorStream(false).start();
        String printed = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(child.waitFor()).isZero();
        assertThat(printed).isEqualTo(CompiledRuleCache.configuration(EsperEngine.newConfiguration()));
    }

    /** Run in a child JVM by the test above. */
    public static final class PrintConfigurationKey {
        public static void main(String[] args) {
            System.out.println(CompiledRuleCache.configuration(EsperEngine.newConfiguration()));
        }
    }
}
