package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.TestRules;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.scoring.ScoringSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The whole pipeline over the real {@code epl/} folder, compiled once per JVM (through the build's rule cache), fed in memory. */
final class PipelineFixture {

    static final Path RULES = Path.of("epl");
    private static CompiledRules compiled;

    final List<Alert> alerts = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final DetectionPipeline pipeline;

    PipelineFixture(ContextSettings context) throws RuleLoadException {
        this(context, rules());
    }

    /** With rules compiled or put together by the test (another ladder or allowlist beside the shipped rules). */
    PipelineFixture(ContextSettings context, CompiledRules rules) throws RuleLoadException {
        this.pipeline = new DetectionPipeline(EngineSettings.defaults(RULES), rules,
                new ContextEnricher(context, new Baselines(100_000)), ScoringSettings.defaults(), List.of(alerts::add), deadLetters::add);
    }

    PipelineFixture() throws RuleLoadException {
        this(defaultContext());
    }

    static ContextSettings defaultContext() {
        return ContextSettings.defaults();
    }

    static synchronized CompiledRules rules() throws RuleLoadException {
        if (compiled == null) {
            compiled = TestRules.compile(RULES);
        }
        return compiled;
    }

    List<Alert> run(List<CloudTrailEvent> events) {
        events.forEach(pipeline::accept);
        pipeline.finish();
        pipeline.close();
        return alerts;
    }

    List<Alert> signals() {
        return alerts.stream().filter(a -> !a.rule().ruleId().equals(Alert.INCIDENT_RULE_ID)).toList();
    }

    List<Alert> incidents() {
        return alerts.stream().filter(a -> a.rule().ruleId().equals(Alert.INCIDENT_RULE_ID)).toList();
    }
}
