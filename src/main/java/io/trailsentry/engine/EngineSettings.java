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
 * @param eventTimeBounds  which event times are plausible enough to reach the clock
 * @param dedupHorizon     how long eventIDs are remembered behind the newest released event (at least the allowed lateness)
 * @param maxEventIds      eventIDs remembered at most, whatever the horizon (part of the state budget)
 * @param ruleCache        compiled rules kept on disk between starts and reloads ({@link CompiledRuleCache#NONE}: none)
 * @param ruleStateCaps    what the rules' tables and windows hold together at most, whatever the rate (part of the state budget)
 */
public record EngineSettings(Path rulesDir, Duration allowedLateness, Map<String, Object> ruleParameters, Duration maxHold,
                             EventTimeBounds eventTimeBounds, Duration dedupHorizon, int maxEventIds, CompiledRuleCache ruleCache,
                             RuleStateCaps ruleStateCaps) {

    /** 4 million ids, about 64 MB in the two generations' tables: over six minutes at 10,000 events/s. */
    public static final int DEFAULT_MAX_EVENT_IDS = 4_000_000;

    public EngineSettings {
        ruleParameters = Map.copyOf(ruleParameters);
        ruleCache = ruleCache == null ? CompiledRuleCache.NONE : ruleCache;
        ruleStateCaps = ruleStateCaps == null ? RuleStateCaps.defaults() : ruleStateCaps;
    }

    public EngineSettings(Path rulesDir, Duration allowedLateness, Map<String, Object> ruleParameters) {
        this(rulesDir, allowedLateness, ruleParameters, Duration.ZERO, EventTimeBounds.defaults(), allowedLateness,
                DEFAULT_MAX_EVENT_IDS, CompiledRuleCache.NONE, RuleStateCaps.defaults());
    }

    public static EngineSettings defaults(Path rulesDir) {
        return new EngineSettings(rulesDir, Duration.ofMinutes(5), Map.of());
    }

    /** Compiles this folder with these parameters, through the rule cache. */
    public CompiledRules compileRules() throws RuleLoadException {
        return EsperEngine.compile(rulesDir, ruleParameters, ruleCache);
    }

    public EngineSettings withRuleCache(CompiledRuleCache cache) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, maxHold, eventTimeBounds, dedupHorizon, maxEventIds, cache, ruleStateCaps);
    }

    /** The same settings over another rules folder (a backtest's changed copy). */
    public EngineSettings withRulesDir(Path dir) {
        return new EngineSettings(dir, allowedLateness, ruleParameters, maxHold, eventTimeBounds, dedupHorizon, maxEventIds, ruleCache, ruleStateCaps);
    }

    public EngineSettings withMaxHold(Duration hold) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, hold, eventTimeBounds, dedupHorizon, maxEventIds, ruleCache, ruleStateCaps);
    }

    public EngineSettings withEventTimeBounds(EventTimeBounds bounds) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, maxHold, bounds, dedupHorizon, maxEventIds, ruleCache, ruleStateCaps);
    }

    public EngineSettings withDedupHorizon(Duration horizon) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, maxHold, eventTimeBounds, horizon, maxEventIds, ruleCache, ruleStateCaps);
    }

    public EngineSettings withMaxEventIds(int max) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, maxHold, eventTimeBounds, dedupHorizon, max, ruleCache, ruleStateCaps);
    }

    public EngineSettings withRuleStateCaps(RuleStateCaps caps) {
        return new EngineSettings(rulesDir, allowedLateness, ruleParameters, maxHold, eventTimeBounds, dedupHorizon, maxEventIds, ruleCache, caps);
    }
}
