package io.trailsentry.alert;

import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.TestRules;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.scoring.ScoringSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real alerts for sink tests: the bundled sample replayed through the whole pipeline (the rules in
 * {@code epl/}, context, scorer) once per JVM, as {@code bin/trailsentry replay} does.
 */
public final class SampleAlerts {

    public static final Path SAMPLE = Path.of("samples/cloudtrail-sample.jsonl");
    private static final Path RULES = Path.of("epl");
    private static List<Alert> alerts;

    private SampleAlerts() {
    }

    public static synchronized List<Alert> all() throws RuleLoadException {
        if (alerts == null) {
            List<Alert> out = new ArrayList<>();
            List<DeadLetter> rejected = new ArrayList<>();
            try (DetectionPipeline pipeline = new DetectionPipeline(TestRules.settings(RULES), null,
                    new ContextEnricher(ContextSettings.defaults(), new Baselines(100_000)),
                    ScoringSettings.defaults(), List.of(out::add), rejected::add)) {
                pipeline.ingest(SAMPLE);
                pipeline.finish();
            }
            if (!rejected.isEmpty() || out.isEmpty()) {
                throw new IllegalStateException("the bundled sample should replay cleanly into alerts: " + out.size()
                        + " alerts, " + rejected.size() + " rejected");
            }
            alerts = List.copyOf(out);
        }
        return alerts;
    }

    public static List<Alert> signals() throws RuleLoadException {
        return all().stream().filter(a -> !Alert.INCIDENT_RULE_ID.equals(a.rule().ruleId())).toList();
    }

    /** What reaches people: incident escalations and alerting rules' signals, not building blocks or suppressed ones. */
    public static List<Alert> forAnalysts() throws RuleLoadException {
        return all().stream().filter(Alert::forAnalyst).toList();
    }

    public static List<Alert> incidents() throws RuleLoadException {
        return all().stream().filter(a -> Alert.INCIDENT_RULE_ID.equals(a.rule().ruleId())).toList();
    }
}
