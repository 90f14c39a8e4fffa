package io.trailsentry.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the detection engine needs to start.
 *
 * @param rulesDir         the folder of {@code .epl} rule files
 * @param allowedLateness  how far behind the newest event time an event may arrive and still be put in order
 * @param ruleParameters   overrides for EPL variables ({@code create variable}) by name, e.g. a threshold
 * @param maxHold          live mode: the longest an event waits for reordering in processing time; zero for
 *                         pure event time (replays)
 * @param ruleCache        compiled rules kept on disk between starts and reloads ({@link CompiledRuleCache#NONE}: none)
 */
public record EngineSettings(Path rulesDir, Duration allowedLateness, Map<String, Object> ruleParameters, Duration maxHold,
                             CompiledRuleCache ruleCache) {

    public EngineSettings {
        ruleParameters = Map.copyOf(ruleParameters);
        ruleCache = ruleCache == null ? CompiledRuleCache.NONE : ruleCache;
    }

    public EngineSettings(Path rulesDir, Duration allowedLateness, Map<String, Object> ruleParameters) {
        this(rulesDir, allowedLateness, ruleParameters, Duration.ZERO, CompiledRuleCache.NONE);
    }

    public EngineSettings withRuleCache(CompiledRuleCache cache) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, maxHold, cache);
    }

    /** Compiles this folder with these parameters, through the rule cache. */
    public CompiledRules compileRules() throws RuleLoadException {
        return EsperEngine.compile(rulesDir, ruleParameters, ruleCache);
    }

    public static EngineSettings defaults(Path rulesDir) {
        return new EngineSettings(rulesDir, Duration.ofMinutes(5), Map.of());
    }

    /** The same settings over another rules folder (a backtest's changed copy). */
    public EngineSettings withRulesDir(Path dir) {
        return new EngineSettings(dir, allowedLateness, ruleParameters, maxHold, ruleCache);
    }

    public EngineSettings withMaxHold(Duration hold) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, hold, ruleCache);
    }
}
