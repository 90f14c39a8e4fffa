package io.trailsentry.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertKind;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.SourceCounters;

import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics of the server ({@code /q/metrics}): events read, rejected, duplicated and late
 * per source ({@code http}, {@code inbox}, {@code kafka}); ingest requests refused by reason; engine
 * lag in event time; alerts by rule and severity; rule reloads by result; EPL statements. Every value
 * is read without the engine's lock, so a scrape answers even while the engine is busy.
 */
public final class PipelineMetrics implements AlertSink {

    private final MeterRegistry registry;

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void bind(DetectionPipeline pipeline) {
        // The sources a server always has get their series at zero; others (kafka) appear with their first event.
        pipeline.counters(DetectionPipeline.HTTP);
        pipeline.counters(DetectionPipeline.INBOX);
        pipeline.onSource(this::bindSource);
        FunctionCounter.builder("trailsentry.rules.reloads", pipeline, p -> p.reloadSuccesses())
                .tag("result", "success").description("rule reloads that went live").register(registry);
        FunctionCounter.builder("trailsentry.rules.reloads", pipeline, p -> p.reloadFailures())
                .tag("result", "failure").description("rule reloads refused; the previous rules kept running").register(registry);
        Gauge.builder("trailsentry.epl.statements", pipeline, p -> p.statementCount())
                .description("EPL statements deployed").register(registry);
        Gauge.builder("trailsentry.rules.disabled", pipeline, p -> p.disabledRules().stream().mapToInt(f -> Math.max(1, f.rules().size())).sum())
                .description("rules disabled because an evaluation spent its budget (see GET /rules); they stay off until their file changes")
                .register(registry);
        Gauge.builder("trailsentry.engine.lag.seconds", pipeline, PipelineMetrics::lagSeconds)
                .description("wall clock minus the engine's event-time clock").register(registry);
        for (String state : STATES) {
            Gauge.builder("trailsentry.state.entries", pipeline, p -> usage(p, state).entries()).tag("state", state)
                    .description("entries held by this part of the state budget").register(registry);
            Gauge.builder("trailsentry.state.capacity", pipeline, p -> usage(p, state).capacity()).tag("state", state)
                    .description("the cap of this part of the state budget").register(registry);
            FunctionCounter.builder("trailsentry.state.evictions", pipeline, p -> usage(p, state).evictions()).tag("state", state)
                    .description("entries dropped because the cap was reached (not by their own expiry)").register(registry);
        }
    }

    /** The parts of the state budget (docs/operations.md, Bounds). */
    static final java.util.List<String> STATES = java.util.List.of("actors", "incidents", "lineage", "event_ids", "rule_tables", "rule_windows");

    static io.trailsentry.pipeline.StateUsage usage(DetectionPipeline pipeline, String state) {
        for (io.trailsentry.pipeline.StateUsage usage : pipeline.stateUsage()) {
            if (usage.state().equals(state)) {
                return usage;
            }
        }
        return new io.trailsentry.pipeline.StateUsage(state, 0, 0, 0);
    }

    /** Wall clock minus the engine's event time, seconds; 0 before the first event. */
    public static double lagSeconds(DetectionPipeline pipeline) {
        long eventTime = pipeline.clockMillis();
        return eventTime == 0 ? 0 : (System.currentTimeMillis() - eventTime) / 1000.0;
    }

    /** An ingest request turned away: {@code busy} (429), {@code not_running} (503), {@code too_large} (413). */
    public void refused(String source, String reason) {
        Counter.builder("trailsentry.ingest.refused").tag("source", source).tag("reason", reason)
                .description("ingest requests refused, by reason").register(registry).increment();
    }

    private void bindSource(String source, SourceCounters counters) {
        counter("trailsentry.events.read", source, counters, SourceCounters::read, "records parsed into events");
        counter("trailsentry.events.rejected", source, counters, SourceCounters::rejected, "records set aside as dead letters");
        counter("trailsentry.events.duplicates", source, counters, SourceCounters::duplicates, "events dropped as repeated eventIDs");
        counter("trailsentry.events.late", source, counters, SourceCounters::lateEvents, "events that arrived behind what was released");
    }

    @Override
    public void emit(Alert alert) {
        Counter.builder("trailsentry.alerts").tag("rule", alert.rule().ruleName()).tag("severity", alert.rating().severity().name())
                .tag("kind", AlertKind.of(alert).wireName())
                .description("alerts emitted, by rule, severity and kind (alert, building_block, suppressed)").register(registry).increment();
    }

    private void counter(String name, String source, SourceCounters counters, ToDoubleFunction<SourceCounters> value, String description) {
        FunctionCounter.builder(name, counters, value).tag("source", source).description(description).register(registry);
    }
}
