package io.trailsentry.server;

import io.trailsentry.config.HealthConfig;

import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.ReloadStatus;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: the engine runs with rules deployed and takes events (its lock could be
 * taken within {@code trailsentry.health.engine-busy-timeout}; rule and statement counts, the last
 * reload's result). {@code /q/health/live}: the engine is not wedged — its lock could be taken within
 * {@code trailsentry.health.engine-lock-timeout}. Kafka's checks join these when Kafka is on.
 */
@ApplicationScoped
public class EngineHealthChecks {

    private final EngineService engine;
    private final EngineLockProbe probe;
    private final java.time.Duration busyTimeout;

    EngineHealthChecks(EngineService engine, HealthConfig config) {
        this.engine = engine;
        this.probe = new EngineLockProbe(config.engineLockTimeout(), System::nanoTime);
        this.busyTimeout = config.engineBusyTimeout();
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            EngineState state = engine.state();
            DetectionPipeline pipeline = engine.pipeline();
            int rules = pipeline == null ? 0 : pipeline.ruleCount();
            // Running with rules is not enough: an engine whose lock nobody could take for a while
            // cannot take events, and input routed here would only wait (issue #17, 9).
            boolean takesEvents = true;
            long waited = 0;
            if (pipeline != null && state == EngineState.RUNNING) {
                EngineLockProbe.Status lock = probe.check(pipeline::awaitEngine);
                waited = lock.waited().toMillis();
                takesEvents = lock.waited().compareTo(busyTimeout) < 0;
            }
            HealthCheckResponseBuilder response = HealthCheckResponse.named("engine")
                    .status(state == EngineState.RUNNING && rules > 0 && takesEvents)
                    .withData("state", state.name())
                    .withData("rules", rules)
                    .withData("takesEvents", takesEvents)
                    .withData("lockWaitedMillis", waited);
            if (pipeline != null) {
                response.withData("statements", pipeline.statementCount());
                ReloadStatus reload = pipeline.lastReload();
                response.withData("lastReload", reload == null ? "none since start"
                        : (reload.ok() ? "ok" : "refused: " + reload.errors().size() + " error(s), previous rules running") + " at " + reload.at());
                response.withData("reloadFailures", pipeline.reloadFailures());
            }
            return response.build();
        };
    }

    /**
     * The state budget, part by part: entries, cap and evictions (an eviction means the cap was reached:
     * an attack spraying principals, or a cap too small for the estate). Always UP: a full budget
     * evicts, it does not stop the engine.
     */
    @Produces
    @Readiness
    HealthCheck state() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("state").up();
            DetectionPipeline pipeline = engine.pipeline();
            long evictions = 0;
            if (pipeline != null) {
                for (io.trailsentry.pipeline.StateUsage usage : pipeline.stateUsage()) {
                    response.withData(usage.state(), usage.entries() + " of " + usage.capacity() + ", " + usage.evictions() + " evicted");
                    evictions += usage.evictions();
                }
            }
            return response.withData("evicting", evictions > 0).build();
        };
    }

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> {
            DetectionPipeline pipeline = engine.pipeline();
            if (pipeline == null || engine.state() != EngineState.RUNNING) {
                // starting or stopping is not wedged; readiness says the engine is not taking input
                return HealthCheckResponse.named("engine-lock").up().withData("state", engine.state().name()).build();
            }
            EngineLockProbe.Status status = probe.check(pipeline::awaitEngine);
            return HealthCheckResponse.named("engine-lock").status(status.alive())
                    .withData("waitedMillis", status.waited().toMillis())
                    .build();
        };
    }

    @PreDestroy
    void close() {
        probe.close();
    }
}
