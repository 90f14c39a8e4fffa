package io.trailsentry.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.pipeline.DetectionPipeline;

import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics of the server ({@code /q/metrics}): events read, rejected, duplicated and late;
 * engine lag in event time; alerts by rule and severity; rule reloads by result; EPL statements.
 * Read from the pipeline's own counters, so the numbers are the ones {@code /status} shows.
 */
final class PipelineMetrics implements AlertSink {

    private final MeterRegistry registry;

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void bind(DetectionPipeline pipeline) {
        counter(pipeline, "trailsentry.events.read", "records parsed into events", p -> p.stats().read());
        counter(pipeline, "trailsentry.events.rejected", "records set aside as dead letters", p -> p.stats().rejected());
        counter(pipeline, "trailsentry.events.duplicates", "events dropped as repeated eventIDs", p -> p.stats().engine().duplicates());
        counter(pipeline, "trailsentry.events.late", "events that arrived behind what was released", p -> p.stats().engine().late());
        FunctionCounter.builder("trailsentry.rules.reloads", pipeline, p -> p.reloadSuccesses())
                .tag("result", "success").description("rule reloads that went live").register(registry);
        FunctionCounter.builder("trailsentry.rules.reloads", pipeline, p -> p.reloadFailures())
                .tag("result", "failure").description("rule reloads refused; the previous rules kept running").register(registry);
        Gauge.builder("trailsentry.epl.statements", pipeline, p -> p.statementCount())
                .description("EPL statements deployed").register(registry);
        Gauge.builder("trailsentry.engine.lag.seconds", pipeline, p -> {
            long eventTime = p.stats().engine().eventTime();
            return eventTime == 0 ? 0 : (System.currentTimeMillis() - eventTime) / 1000.0;
        }).description("wall clock minus the engine's event-time clock").register(registry);
    }

    @Override
    public void emit(Alert alert) {
        Counter.builder("trailsentry.alerts").tag("rule", alert.ruleName()).tag("severity", alert.severity())
                .description("alerts emitted, by rule and severity").register(registry).increment();
    }

    private void counter(DetectionPipeline pipeline, String name, String description, ToDoubleFunction<DetectionPipeline> value) {
        FunctionCounter.builder(name, pipeline, value).description(description).register(registry);
    }
}
