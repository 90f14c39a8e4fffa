package io.trailsentry.pipeline;

import io.trailsentry.engine.CompiledRuleCache;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.EventTimeBounds;
import io.trailsentry.config.TrailSentryConfig;

import io.trailsentry.alert.AlertSink;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.RuleStateCaps;
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
        return ContextSettings.builder()
                .knownCidrs(c.knownCidrs().orElse(List.of()))
                .ipMemory(c.ipMemory())
                .learningDelay(c.learningDelay())
                .businessHours(hours[0], hours[1])
                .businessDays(ContextSettings.parseDays(c.businessDays()))
                .timezone(c.timezone())
                .holidays(Set.copyOf(c.holidays().orElse(List.of())))
                .usualHourMinDays(c.usualHourMinDays())
                .adminPrincipals(c.adminPrincipals().orElse(List.of()))
                .allowlistedPrincipals(c.allowlistedPrincipals().orElse(List.of()))
                .allowlistedUserAgents(c.allowlistedUserAgents().orElse(List.of()))
                .baselineFile(c.baselineFile())
                .maxActors(c.maxActors())
                .lineageHorizon(c.lineageHorizon())
                .awsIpRangesFile(c.awsIpRangesFile().orElse(null))
                .maxLineageLinks(c.maxLineageLinks())
                .build();
    }

    public static ScoringSettings scoringSettings(TrailSentryConfig config) {
        return new ScoringSettings(config.scoring().horizon(), config.scoring().maxOpenIncidents());
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
     * The server's pipeline (HTTP and inbox): live, with no processing-time hold; its caller evaluates
     * each payload whole ({@link DetectionPipeline#ingestPayload}), so the alerts depend on the
     * payloads and their order, never on thread timing (issue #17, 4).
     */
    public static DetectionPipeline serverPipeline(TrailSentryConfig config, CompiledRules rules, Baselines baselines,
                                                   List<AlertSink> sinks, DeadLetterSink deadLetters) throws RuleLoadException {
        DetectionPipeline pipeline = livePipeline(config, rules, Duration.ZERO, baselines, sinks, deadLetters);
        pipeline.protectSuspiciousActors();
        return pipeline;
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
        EngineSettings engine = engineSettings(config).withMaxHold(maxHold)
                .withEventTimeBounds(EventTimeBounds.live(config.engine().maxFutureSkew(), config.engine().maxEventAge()))
                .withDedupHorizon(config.engine().dedupHorizon());
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
        return new EngineSettings(config.rules().dir(), config.engine().allowedLateness(), parameters, Duration.ZERO,
                EventTimeBounds.replay(config.engine().maxFutureSkew()), config.engine().allowedLateness(),
                config.engine().maxRememberedEventIds(), CompiledRuleCache.in(config.rules().cacheDir().orElse(null)),
                new RuleStateCaps(config.engine().maxRuleTableRows(), config.engine().maxRuleWindowEvents()));
    }
}
