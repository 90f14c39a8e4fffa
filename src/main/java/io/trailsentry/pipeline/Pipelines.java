package io.trailsentry.pipeline;

import io.trailsentry.engine.CompiledRuleCache;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.config.TrailSentryConfig;

import io.trailsentry.alert.AlertSink;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.DeadLetterSink;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.scoring.ScoringSettings;

import java.io.IOException;
import java.time.Duration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

/** Maps operator configuration onto the plain settings records the core packages take. */
public final class Pipelines {

    private Pipelines() {
    }

    public static ContextSettings contextSettings(TrailSentryConfig config) {
        TrailSentryConfig.Context c = config.context();
        LocalTime[] hours = ContextSettings.parseHours(c.businessHours());
        return new ContextSettings(
                c.knownCidrs().orElse(List.of()), c.ipMemory(), c.learningDelay(), hours[0], hours[1],
                ContextSettings.parseDays(c.businessDays()), c.timezone(), Set.copyOf(c.holidays().orElse(List.of())),
                c.usualHourMinDays(), c.adminPrincipals().orElse(List.of()), c.allowlistedPrincipals().orElse(List.of()),
                c.allowlistedUserAgents().orElse(List.of()), c.baselineFile(),
                c.maxActors(), c.lineageHorizon(), c.awsIpRangesFile().orElse(null));
    }

    public static ScoringSettings scoringSettings(TrailSentryConfig config) {
        return new ScoringSettings(config.scoring().horizon());
    }

    /**
     * The whole pipeline as configured: rules, context stage, scorer.
     *
     * @param live the server: start from the saved baselines and hold events at most max-hold; or a
     *             replay: empty baselines and pure event time, so the same input always gives the same alerts
     */
    public static DetectionPipeline pipeline(TrailSentryConfig config, List<AlertSink> sinks, DeadLetterSink deadLetters,
                                      boolean live) throws RuleLoadException, IOException {
        if (!live) {
            return pipelineWithoutHistory(config, engineSettings(config), 0, sinks, deadLetters);
        }
        ContextSettings contextSettings = contextSettings(config);
        return livePipeline(config, null, config.engine().maxHold(),
                Baselines.load(contextSettings.baselineFile(), contextSettings.maxActors()), sinks, deadLetters);
    }

    /**
     * A live pipeline learning into {@code baselines}, which several live pipelines may share (the
     * server's own and one per Kafka partition).
     *
     * @param rules   rules compiled beforehand, or null to compile the rules folder
     * @param maxHold the server's max hold; zero for a caller that flushes after every batch itself
     */
    public static DetectionPipeline livePipeline(TrailSentryConfig config, CompiledRules rules, Duration maxHold, Baselines baselines,
                                          List<AlertSink> sinks, DeadLetterSink deadLetters) throws RuleLoadException {
        ContextEnricher context = new ContextEnricher(contextSettings(config), baselines);
        EngineSettings engine = engineSettings(config).withMaxHold(maxHold);
        return new DetectionPipeline(engine, rules, context, scoringSettings(config), sinks, deadLetters);
    }

    public static CompiledRules compileRules(TrailSentryConfig config) throws RuleLoadException {
        EngineSettings engine = engineSettings(config);
        return engine.compileRules();
    }

    /**
     * The pipeline as configured but starting from empty learned baselines (replays and benchmarks).
     *
     * @param engine        the engine settings to use (benchmarks vary the max-hold)
     * @param minBaselineActors baselines keep at least this many actors, above {@code max-actors} if needed
     */
    public static DetectionPipeline pipelineWithoutHistory(TrailSentryConfig config, EngineSettings engine, int minBaselineActors,
                                                    List<AlertSink> sinks, DeadLetterSink deadLetters) throws RuleLoadException {
        ContextSettings contextSettings = contextSettings(config);
        ContextEnricher context = new ContextEnricher(contextSettings,
                new Baselines(Math.max(contextSettings.maxActors(), minBaselineActors)));
        return new DetectionPipeline(engine, null, context, scoringSettings(config), sinks, deadLetters);
    }

    public static EngineSettings engineSettings(TrailSentryConfig config) {
        Map<String, Object> parameters = new HashMap<>(config.rules().parameters());
        return new EngineSettings(config.rules().dir(), config.engine().allowedLateness(), parameters)
                .withRuleCache(CompiledRuleCache.in(config.rules().cacheDir().orElse(null)));
    }
}
