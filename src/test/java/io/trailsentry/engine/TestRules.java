package io.trailsentry.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rules for tests, compiled through the one compiled-rule cache every JVM of a build shares (this
 * one, the Quarkus test apps, the commands run in and out of process): compiling the shipped folder
 * is tens of seconds, taking it from the cache about one, so it is compiled once per build rather
 * than once per test class. A copy of {@code epl/} in a temporary folder hits the same entries (a
 * key covers the file's relative path and text, not the folder).
 *
 * <p>What compiling without a cache proves is left to the tests of the compiler and of the cache
 * itself ({@code RuleBudgetTest}, {@code CompileErrorLocationTest}, the small folders of
 * {@link RuleSwapTest} and {@link DetectionEngineTest}).
 */
public final class TestRules {

    /** The shipped rules. */
    public static final Path SHIPPED = Path.of("epl");
    /**
     * The build's shared cache: the surefire and failsafe configurations set {@code trailsentry.rules.cache-dir}
     * (what the commands read too); {@code target/rule-cache} when a test runs outside Maven.
     */
    public static final Path CACHE_DIR = Path.of(System.getProperty("trailsentry.rules.cache-dir", "target/rule-cache"));

    private TestRules() {
    }

    public static CompiledRuleCache cache() {
        return CompiledRuleCache.in(CACHE_DIR);
    }

    /** The shipped rules, through the shared cache. */
    public static CompiledRules shipped() throws RuleLoadException {
        return compile(SHIPPED);
    }

    /** A rules folder (the shipped one or a copy of it), through the shared cache. */
    public static CompiledRules compile(Path rulesDir) throws RuleLoadException {
        return EsperEngine.compile(rulesDir, Map.of(), cache());
    }

    /** Default engine settings over {@code rulesDir} that compile through the shared cache. */
    public static EngineSettings settings(Path rulesDir) {
        return EngineSettings.defaults(rulesDir).withRuleCache(cache());
    }

    /**
     * A rules folder in {@code dir} holding only the named shipped rule files and the folder's data
     * files (stages, escalation ladder, allowlist): for a test about an engine mechanism that a couple
     * of rules show, which need not deploy all of them.
     */
    public static Path copyOf(Path dir, String... ruleFiles) throws IOException {
        try (Stream<Path> files = Files.list(SHIPPED)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith(".tests.yaml")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        for (String file : ruleFiles) {
            Files.copy(SHIPPED.resolve(file), dir.resolve(file));
        }
        return dir;
    }
}
