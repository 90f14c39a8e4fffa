package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertFactory;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.RuleError;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.CloudTrailReader;
import io.trailsentry.ingest.DeadLetterSink;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.scoring.Scorer;
import io.trailsentry.scoring.ScoringSettings;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.time.Instant;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * ingest → engine → alerts, wired once. Parsing runs on the caller's thread; the engine is entered
 * one event at a time under this object's lock, so HTTP requests, the inbox and a replay can feed
 * the same pipeline.
 */
public final class DetectionPipeline implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DetectionPipeline.class);

    private final CloudTrailReader reader = new CloudTrailReader();
    private final DetectionEngine engine;
    private final AlertFactory alertFactory = new AlertFactory();
    private final List<AlertSink> sinks;
    private final DeadLetterSink deadLetters;
    private final ContextEnricher context;
    private final Scorer scorer;
    private final Path rulesDir;
    private final java.util.Map<String, Object> ruleParameters;
    private volatile ReloadStatus lastReload;
    private long reloadSuccesses;
    private long reloadFailures;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong sinkErrors = new AtomicLong();

    /**
     * @param compiled rules compiled beforehand, or null to compile {@code settings.rulesDir()}
     * @param context  the context stage (actor, stages, unknown IP, off-hours, …), or null for none
     * @param scoring  the scorer's weights; incidents are correlated and escalated from the signals
     */
    public DetectionPipeline(EngineSettings settings, CompiledRules compiled, ContextEnricher context, ScoringSettings scoring,
                             List<AlertSink> sinks, DeadLetterSink deadLetters) throws RuleLoadException {
        this.sinks = List.copyOf(sinks);
        this.deadLetters = deadLetters;
        this.context = context;
        this.scorer = new Scorer(scoring);
        this.rulesDir = settings.rulesDir();
        this.ruleParameters = settings.ruleParameters();
        this.engine = new DetectionEngine(settings, compiled != null ? compiled : EsperEngine.compile(settings.rulesDir(), settings.ruleParameters()),
                context != null ? context : UnaryOperator.identity(), this::onHit);
    }

    /** A file, or a directory tree of CloudTrail files in any supported shape. */
    public ReadSummary ingest(Path fileOrDirectory) {
        return count(reader.read(fileOrDirectory, this::accept, deadLetters));
    }

    public ReadSummary ingest(InputStream in, String source) {
        return count(reader.read(in, source, this::accept, deadLetters));
    }

    public ReadSummary ingest(byte[] payload, String source) {
        return count(reader.read(payload, source, this::accept, deadLetters));
    }

    /** As {@link #ingest(Path)}, handing the parsed events to {@code events} instead of the engine (see {@link PipelinedReplay}). */
    public ReadSummary ingest(Path fileOrDirectory, Consumer<CloudTrailEvent> events) {
        return count(reader.read(fileOrDirectory, events, deadLetters));
    }

    /** As {@link #ingest(byte[], String)}, handing the parsed events to {@code events} instead of the engine. */
    public ReadSummary ingest(byte[] payload, String source, Consumer<CloudTrailEvent> events) {
        return count(reader.read(payload, source, events, deadLetters));
    }

    public synchronized void accept(CloudTrailEvent event) {
        engine.accept(event);
    }

    /** A batch under one lock acquisition. */
    public synchronized void acceptAll(List<CloudTrailEvent> events) {
        for (CloudTrailEvent event : events) {
            engine.accept(event);
        }
    }

    /** The input has been idle for {@code elapsedMillis} of wall-clock time; see {@link DetectionEngine#idle}. */
    public synchronized void idle(long elapsedMillis) {
        engine.idle(elapsedMillis);
    }

    /** Live mode: release events that have waited the max hold, when input pauses. */
    public synchronized void tick() {
        engine.tick();
    }

    /** Evaluates every event held for reordering, windows left open; see {@link DetectionEngine#flush()}. */
    public synchronized void flush() {
        engine.flush();
    }

    /** End of a finite input: release held events and close all windows. */
    public synchronized void finish() {
        engine.finish();
    }

    public synchronized PipelineStats stats() {
        return new PipelineStats(read.get(), rejected.get(), alerts.get(), sinkErrors.get(), engine.stats());
    }

    public List<RuleMetadata> rules() {
        return engine.rules();
    }

    @Override
    public synchronized void close() {
        engine.close();
    }

    private ReadSummary count(ReadSummary summary) {
        read.addAndGet(summary.accepted());
        rejected.addAndGet(summary.rejected());
        return summary;
    }

    /**
     * Recompiles the rules folder and, only if the whole set compiles and deploys, swaps it in; the
     * stage catalog is re-read too. Compiling happens outside the engine lock, the swap inside it, so
     * every event is evaluated by the old rules or the new ones, never by neither.
     */
    public ReloadStatus reloadRules() {
        CompiledRules next;
        try {
            next = EsperEngine.compile(rulesDir, ruleParameters);
        } catch (RuleLoadException e) {
            return failed(e.errors());
        } catch (RuntimeException e) {
            return failed(List.of(new RuleError(rulesDir.toString(), 0, 0, e.getMessage())));
        }
        return reloadRules(next);
    }

    /**
     * Swaps in rules compiled beforehand (and re-reads the stage catalog): several pipelines running
     * the same folder compile a new version once and swap it into each.
     */
    public ReloadStatus reloadRules(CompiledRules next) {
        synchronized (this) {
            try {
                if (context != null) {
                    context.reloadStages();
                }
            } catch (IllegalArgumentException e) {
                return failed(List.of(new RuleError("stages.yaml", 0, 0, e.getMessage())));
            }
            try {
                EsperEngine.SwapResult result = engine.swapRules(next);
                reloadSuccesses++;
                lastReload = new ReloadStatus(Instant.now(), true, List.of(), result.added(), result.redeployed(),
                        result.removed(), reloadSuccesses, reloadFailures);
                LOG.infof("rules reloaded from %s: added %s, redeployed %s, removed %s", rulesDir, result.added(),
                        result.redeployed(), result.removed());
                return lastReload;
            } catch (RuleLoadException e) {
                return failed(e.errors());
            }
        }
    }

    private synchronized ReloadStatus failed(List<RuleError> errors) {
        reloadFailures++;
        lastReload = new ReloadStatus(Instant.now(), false, errors, List.of(), List.of(), List.of(), reloadSuccesses, reloadFailures);
        LOG.errorf("rules in %s refused, the previous rules keep running:%n%s", rulesDir,
                errors.stream().map(RuleError::describe).reduce((a, b) -> a + "\n" + b).orElse(""));
        return lastReload;
    }

    public synchronized long reloadSuccesses() {
        return reloadSuccesses;
    }

    public synchronized long reloadFailures() {
        return reloadFailures;
    }

    /** The last reload's outcome, or null when the rules have not been reloaded since start. */
    public ReloadStatus lastReload() {
        return lastReload;
    }

    /** Deployed rules with their file, deployment time and hit count. */
    public synchronized List<DeployedRule> deployedRules() {
        List<DeployedRule> out = new java.util.ArrayList<>();
        for (EsperEngine.DeployedFile file : engine.deployedFiles()) {
            for (RuleMetadata rule : file.rules()) {
                out.add(new DeployedRule(rule, file.file().relativePath(), file.deployedAt(), engine.hitCount(rule.id())));
            }
        }
        return out;
    }

    /** A rule as it runs: its metadata, where it came from, since when, how often it fired. */
    public record DeployedRule(RuleMetadata rule, String file, Instant deployedAt, long hits) {
    }

    public synchronized int statementCount() {
        return engine.statementCount();
    }

    /** What the context stage has learned, to share with further pipelines; null without a context stage. */
    public io.trailsentry.context.Baselines baselines() {
        return context == null ? null : context.baselines();
    }

    /** Saves what the context stage learned (baselines) to its file, if it has one. */
    public synchronized void saveBaselines() throws java.io.IOException {
        if (context != null) {
            context.save();
        }
    }

    private void onHit(RuleHit hit) {
        Scorer.Outcome outcome = scorer.accept(hit);
        String incidentId = outcome.incident() == null ? null : outcome.incident().incidentId();
        for (Alert alert : alertFactory.create(hit, incidentId)) {
            emit(alert);
        }
        if (outcome.escalated()) {
            emit(alertFactory.incident(outcome.incident()));
        }
    }

    private void emit(Alert alert) {
        alerts.incrementAndGet();
        for (AlertSink sink : sinks) {
            try {
                sink.emit(alert);
            } catch (RuntimeException e) {
                // One broken sink (a full disk, a dead webhook) must not stop detection or the other sinks.
                sinkErrors.incrementAndGet();
                LOG.errorf(e, "alert sink %s failed for alert %s", sink.getClass().getSimpleName(), alert.alertId());
            }
        }
    }
}
