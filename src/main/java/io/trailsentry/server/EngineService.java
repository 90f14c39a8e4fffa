package io.trailsentry.server;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.alert.AlertStore;
import io.trailsentry.alert.JsonlAlertSink;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.DeadLetterSink;
import io.trailsentry.ingest.JsonlDeadLetterFile;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.Pipelines;
import io.trailsentry.config.TrailSentryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's one pipeline: started with the app, fed by HTTP and the inbox, and kept moving in
 * event time while input is idle so a burst's window closes without waiting for the next event.
 */
@ApplicationScoped
public class EngineService {

    private static final Logger LOG = Logger.getLogger(EngineService.class);

    private final TrailSentryConfig config;
    private DetectionPipeline pipeline;
    private JsonlAlertSink alertFile;
    private JsonlDeadLetterFile deadLetters;
    private AlertStore alertStore;

    private volatile EngineState state = EngineState.STARTING;
    /** Ingest holds it shared; shutdown takes it exclusively, so no input is evaluated by a closed pipeline. */
    private final java.util.concurrent.locks.ReadWriteLock lifecycle = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private List<AlertSink> sinks;
    private CompiledRules rules;
    private volatile long lastInputNanos = System.nanoTime();
    private volatile long lastIdleAdvanceNanos = System.nanoTime();

    private final PipelineMetrics metrics;
    private final Instance<AlertSink> pluggedSinks;
    private final ArchiveService archive;

    /**
     * @param pluggedSinks every {@link AlertSink} bean in the app (webhook, Kafka, incident store, …):
     *                     a sink plugs in by being a bean, so adding one never touches this class
     */
    EngineService(TrailSentryConfig config, io.micrometer.core.instrument.MeterRegistry registry, @Any Instance<AlertSink> pluggedSinks,
                  ArchiveService archive) {
        this.config = config;
        this.metrics = new PipelineMetrics(registry);
        this.pluggedSinks = pluggedSinks;
        this.archive = archive;
    }

    void start(@Observes StartupEvent ignored) throws RuleLoadException, IOException {
        alertStore = new AlertStore(config.alerts().memoryCapacity());
        alertFile = new JsonlAlertSink(config.alerts().file(), config.alerts().memoryCapacity());
        // GET /alerts after a restart shows what came before it, read back from the alert file.
        alertStore.restore(alertFile.recentAlerts());
        if (alertFile.unreadableRecent() > 0) {
            LOG.warnf("%d recent alert(s) in %s could not be read back for GET /alerts (older format?)",
                    alertFile.unreadableRecent(), config.alerts().file().toAbsolutePath());
        }
        deadLetters = new JsonlDeadLetterFile(config.deadLetter().file());
        try {
            List<AlertSink> sinks = new ArrayList<>(List.of(alertFile, alertStore, metrics));
            pluggedSinks.forEach(sinks::add);
            this.sinks = List.copyOf(sinks);
            rules = Pipelines.compileRules(config);
            ContextSettings context = Pipelines.contextSettings(config);
            pipeline = Pipelines.serverPipeline(config, rules, Baselines.load(context.baselineFile(), context.maxActors()), sinks, deadLetters);
            metrics.bind(pipeline);
            new InboxRecovery(config.inbox().dir().resolve(InboxWatcher.PROCESSED), inboxLookback()).rebuild(pipeline);
            // After the rebuild (which re-reads what was archived when it first came in), before any
            // new input: everything ingested from now on is kept.
            pipeline.archiveTo(archive.start());
        } catch (RuleLoadException | RuntimeException e) {
            state = EngineState.FAILED;
            LOG.errorf("rules in %s did not load; fix them and restart:%n%s", config.rules().dir().toAbsolutePath(), e.getMessage());
            throw e;
        }
        state = EngineState.RUNNING;
        LOG.infof("TrailSentry engine started: %d rules from %s, alerts to %s, dead letters to %s",
                pipeline.rules().size(), config.rules().dir().toAbsolutePath(), config.alerts().file().toAbsolutePath(),
                config.deadLetter().file().toAbsolutePath());
    }

    /**
     * SIGTERM: refuse new input, stop input being read at its next record, wait for what is inside
     * the engine, then close — all within {@code trailsentry.engine.shutdown-timeout}, whatever a
     * request is doing (issue #17, 9): a step that cannot finish in time is given up, not waited for.
     */
    void stop(@Observes ShutdownEvent ignored) {
        long deadline = BoundedShutdown.deadline(config.engine().shutdownTimeout(), System::nanoTime);
        state = EngineState.STOPPED;
        if (pipeline != null) {
            pipeline.cancelInput();
        }
        // Wait for requests already inside the engine (later ones see STOPPED), for half the budget:
        // the other half is for saving and closing.
        long drain = Math.max(0, (deadline - System.nanoTime()) / 2);
        try {
            if (!lifecycle.writeLock().tryLock(drain, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                LOG.warnf("input still inside the engine after %d ms; closing it anyway", drain / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pipeline != null) {
            new BoundedShutdown(System::nanoTime)
                    .step("saving learned baselines", this::saveBaselines)
                    .step("closing the engine", pipeline::close)
                    .step("closing the alert file", alertFile::close)
                    .step("closing the dead-letter file", () -> {
                        try {
                            deadLetters.close();
                        } catch (IOException e) {
                            LOG.errorf("cannot close dead-letter file %s: %s", config.deadLetter().file(), e.getMessage());
                        }
                    })
                    .runUntil(deadline);
        }
    }

    /** @throws EngineUnavailableException when the engine is not running (starting, failed, stopped) */
    public ReadSummary ingest(byte[] payload, String source) {
        return whileRunning(() -> pipeline.ingestPayload(payload, source, d -> { }));
    }

    /**
     * As {@link #ingest(byte[], String)}, telling {@code observer} the payload's dead letters too.
     *
     * @throws EngineUnavailableException when the engine is not running (starting, failed, stopped)
     */
    public ReadSummary ingest(byte[] payload, String source, DeadLetterSink observer) {
        return whileRunning(() -> pipeline.ingestPayload(payload, source, observer));
    }

    /** @throws EngineUnavailableException when the engine is not running (starting, failed, stopped) */
    public ReadSummary ingest(InputStream in, String source) {
        return whileRunning(() -> pipeline.ingest(in, source));
    }

    /** A file dropped into the inbox. @throws EngineUnavailableException when the engine is not running */
    public ReadSummary ingest(Path file) {
        return whileRunning(() -> pipeline.ingestPayload(file, DetectionPipeline.INBOX));
    }

    private ReadSummary whileRunning(java.util.function.Supplier<ReadSummary> read) {
        if (!lifecycle.readLock().tryLock()) {
            throw new EngineUnavailableException(EngineState.STOPPED);
        }
        try {
            EngineState now = state;
            if (now != EngineState.RUNNING) {
                throw new EngineUnavailableException(now);
            }
            markInput();
            return read.get();
        } catch (DetectionPipeline.InputCancelledException stopping) {
            throw new EngineUnavailableException(EngineState.STOPPED);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    public EngineState state() {
        return state;
    }

    /**
     * Test hook: shows the server as starting or stopped without stopping it, so refusals (503) and
     * readiness can be checked in a running app; the caller puts {@link EngineState#RUNNING} back.
     */
    public void simulateState(EngineState simulated) {
        state = simulated;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    public DetectionPipeline pipeline() {
        return pipeline;
    }

    /**
     * A further live pipeline over the same rules, sharing this one's learned baselines, written to
     * {@code sinks} (one per Kafka partition: each has its own event-time clock, windows and incidents).
     * It has no max hold: its caller flushes it after every batch, which is what the max hold
     * approximates for HTTP bodies, and so its alerts depend on its input, not on thread scheduling.
     *
     * @param rules the rules as compiled at start ({@link #startRules()}) or at a later reload
     */
    public DetectionPipeline newBatchPipeline(CompiledRules rules, List<AlertSink> sinks, DeadLetterSink deadLetters) throws RuleLoadException {
        return Pipelines.livePipeline(config, rules, java.time.Duration.ZERO, pipeline.baselines(), sinks, deadLetters);
    }

    /**
     * The event archive, for pipelines that take live input beside the server's own (Kafka partitions,
     * once their lookback is over); null when archiving is off.
     */
    public java.util.function.Consumer<io.trailsentry.ingest.CloudTrailEvent> archive() {
        return archive.archive().orElse(null);
    }

    /** The rules as compiled at start. */
    public CompiledRules startRules() {
        return rules;
    }

    /** Compiles the rules folder as it is now (for pipelines following a reload). */
    public CompiledRules compileRules() throws RuleLoadException {
        return Pipelines.compileRules(config);
    }

    /** Every alert sink of the server: the alert file, {@code GET /alerts}, metrics and every {@link AlertSink} bean. */
    public List<AlertSink> alertSinks() {
        return sinks;
    }

    /** The local dead-letter file. */
    public DeadLetterSink deadLetters() {
        return deadLetters;
    }

    public AlertStore alerts() {
        return alertStore;
    }

    /**
     * Real time in serve mode: when no input has come for {@code idle-advance-after}, the wall-clock
     * time that passes is added to event time, so windows close and held events are released.
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void advanceWhenIdle() {
        if (pipeline == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastInputNanos < config.engine().idleAdvanceAfter().toNanos()) {
            return;
        }
        long since = Math.max(lastInputNanos, lastIdleAdvanceNanos);
        pipeline.idle((now - since) / 1_000_000);
        lastIdleAdvanceNanos = now;
    }

    /** How far back processed inbox files are read again at start: the Kafka lookback's default, longest rule window plus lateness. */
    private java.time.Duration inboxLookback() {
        return config.inbox().lookback().orElse(config.kafka().longestRuleWindow().plus(config.engine().allowedLateness()));
    }

    /** Learned baselines survive restarts: saved every few minutes and at shutdown. */
    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void saveBaselines() {
        if (pipeline == null) {
            return;
        }
        try {
            pipeline.saveBaselines();
        } catch (IOException e) {
            LOG.errorf("cannot save learned baselines to %s: %s", config.context().baselineFile().toAbsolutePath(), e.getMessage());
        }
    }

    private void markInput() {
        lastInputNanos = System.nanoTime();
    }
}
