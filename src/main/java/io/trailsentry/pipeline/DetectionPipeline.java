package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertFactory;
import io.trailsentry.alert.AlertKind;
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
import io.trailsentry.context.StageCatalog;
import io.trailsentry.scoring.Scorer;
import io.trailsentry.scoring.Signal;
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
    /** Where ingested events are kept (the server's archive), or null; see {@link #archiveTo}. */
    private volatile Consumer<CloudTrailEvent> archive;
    /** The stage vocabulary of the deployed rules; replaced with them on a reload. */
    private volatile StageCatalog stages;
    /** The escalation ladder of the deployed rules ({@code scoring.yaml}); replaced with them on a reload. */
    private volatile io.trailsentry.engine.ScoringLadder ladder;
    private final Path rulesDir;
    private final EngineSettings engineSettings;
    private final java.util.Map<String, Object> ruleParameters;
    private volatile ReloadStatus lastReload;
    private volatile long reloadSuccesses;
    private volatile long reloadFailures;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicLongArray alertsByKind = new java.util.concurrent.atomic.AtomicLongArray(AlertKind.values().length);
    private final AtomicLong sinkErrors = new AtomicLong();
    private final java.util.concurrent.ConcurrentMap<String, SourceCounters> bySource = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<java.util.function.BiConsumer<String, SourceCounters>> sourceListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Published after every engine step, so health, metrics and HTTP refusals read them without the lock. */
    private volatile long clockMillis;
    private volatile int ruleCount;
    private volatile int statementCount;

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
        this.rulesDir = settings.rulesDir();
        this.engineSettings = settings;
        this.ruleParameters = settings.ruleParameters();
        CompiledRules rules = compiled != null ? compiled : settings.compileRules();
        this.stages = rules.stages();
        this.ladder = rules.ladder();
        this.scorer = new Scorer(scoring, stages, ladder);
        if (context != null) {
            context.useStages(stages);
            context.useAllowlist(rules.allowlist());
        }
        this.engine = new DetectionEngine(settings, rules, context != null ? context : UnaryOperator.identity(), this::onHit);
        publishRuleCounts();
        logRefused(rules);
    }

    /** Sigma rules refused one by one do not stop the others; say which, so they are not silently missing. */
    private void logRefused(CompiledRules rules) {
        if (!rules.refused().isEmpty()) {
            LOG.warnf("%d Sigma rule(s) in %s refused, the other rules run:%n%s", rules.refused().size(), rulesDir,
                    String.join("\n", rules.refused().stream().map(RuleError::describe).toList()));
        }
    }

    /** Sources: the part of an ingest's source name before the first ':' ({@code kafka:topic-0@42} counts as {@code kafka}). */
    public static final String HTTP = "http", INBOX = "inbox", KAFKA = "kafka", REPLAY = "replay", FILE = "file";

    /** A file, or a directory tree of CloudTrail files in any supported shape. */
    public ReadSummary ingest(Path fileOrDirectory) {
        return ingest(fileOrDirectory, FILE);
    }

    /** As {@link #ingest(Path)}, counted under {@code sourceKind} (e.g. {@code inbox}). */
    public ReadSummary ingest(Path fileOrDirectory, String sourceKind) {
        SourceCounters counters = counters(sourceKind);
        return count(reader.read(fileOrDirectory, e -> accept(e, counters), deadLetters), counters);
    }

    public ReadSummary ingest(InputStream in, String source) {
        SourceCounters counters = counters(source);
        return count(reader.read(in, source, e -> accept(e, counters), deadLetters), counters);
    }

    public ReadSummary ingest(byte[] payload, String source) {
        SourceCounters counters = counters(source);
        return count(reader.read(payload, source, e -> accept(e, counters), deadLetters), counters);
    }

    /** As {@link #ingest(Path)}, handing the parsed events to {@code events} instead of the engine (see {@link PipelinedReplay}). */
    public ReadSummary ingest(Path fileOrDirectory, Consumer<CloudTrailEvent> events) {
        return count(reader.read(fileOrDirectory, events, deadLetters), counters(REPLAY));
    }

    /** As {@link #ingest(byte[], String)}, handing the parsed events to {@code events} instead of the engine. */
    public ReadSummary ingest(byte[] payload, String source, Consumer<CloudTrailEvent> events) {
        return count(reader.read(payload, source, events, deadLetters), counters(source));
    }

    public synchronized void accept(CloudTrailEvent event) {
        engine.accept(event);
        clockMillis = engine.clock();
    }

    private synchronized void accept(CloudTrailEvent event, SourceCounters counters) {
        io.trailsentry.engine.ReorderBuffer.Outcome outcome = engine.accept(event);
        countOutcome(outcome, counters);
        clockMillis = engine.clock();
        Consumer<CloudTrailEvent> keep = archive;
        if (keep != null && outcome == io.trailsentry.engine.ReorderBuffer.Outcome.BUFFERED) {
            keep.accept(event);
        }
    }

    /**
     * From now on, every event ingested through {@code ingest(…)} that the engine takes (not a
     * duplicate, not late) is handed to {@code archive}, on the ingesting thread, which must not block
     * (the server's {@code EventArchive} only queues it). Duplicates and late events are left out so
     * that replaying the archive evaluates what the engine evaluated. Null stops archiving.
     */
    public void archiveTo(Consumer<CloudTrailEvent> archive) {
        this.archive = archive;
    }

    /** A batch under one lock acquisition (a replay's engine thread: counted as {@code replay}). */
    public synchronized void acceptAll(List<CloudTrailEvent> events) {
        SourceCounters counters = counters(REPLAY);
        for (CloudTrailEvent event : events) {
            countOutcome(engine.accept(event), counters);
        }
        clockMillis = engine.clock();
    }

    private static void countOutcome(io.trailsentry.engine.ReorderBuffer.Outcome outcome, SourceCounters counters) {
        switch (outcome) {
            case DUPLICATE -> counters.duplicate();
            case LATE -> counters.late();
            default -> {
            }
        }
    }

    /** The input has been idle for {@code elapsedMillis} of wall-clock time; see {@link DetectionEngine#idle}. */
    public synchronized void idle(long elapsedMillis) {
        engine.idle(elapsedMillis);
        clockMillis = engine.clock();
    }

    /** Live mode: release events that have waited the max hold, when input pauses. */
    public synchronized void tick() {
        engine.tick();
        clockMillis = engine.clock();
    }

    /** Evaluates every event held for reordering, windows left open; see {@link DetectionEngine#flush()}. */
    public synchronized void flush() {
        engine.flush();
    }

    /** End of a finite input: release held events and close all windows. */
    public synchronized void finish() {
        engine.finish();
        clockMillis = engine.clock();
    }

    /**
     * Takes the engine lock and lets it go: returns only once no other caller is inside the engine,
     * which is how the liveness check tells a busy engine from a wedged one.
     */
    public synchronized void awaitEngine() {
        // entering the monitor is the whole point
    }

    /** The engine's event-time clock as of its last step, epoch millis (0 before the first event); never waits. */
    public long clockMillis() {
        return clockMillis;
    }

    /** Deployed rules, as of the last start or reload; never waits. */
    public int ruleCount() {
        return ruleCount;
    }

    /** Per-source counters, created on first use; see {@link #HTTP} for how a source name maps to its kind. */
    public SourceCounters counters(String source) {
        String kind = sourceKind(source);
        SourceCounters existing = bySource.get(kind);
        if (existing != null) {
            return existing;
        }
        SourceCounters created = new SourceCounters();
        existing = bySource.putIfAbsent(kind, created);
        if (existing != null) {
            return existing;
        }
        sourceListeners.forEach(l -> l.accept(kind, created));
        return created;
    }

    /** Calls {@code listener} for every source kind counted so far and every new one (metrics register per source). */
    public void onSource(java.util.function.BiConsumer<String, SourceCounters> listener) {
        sourceListeners.add(listener);
        bySource.forEach(listener);
    }

    static String sourceKind(String source) {
        if (source == null || source.isBlank()) {
            return FILE;
        }
        int colon = source.indexOf(':');
        return colon > 0 ? source.substring(0, colon) : source;
    }

    public synchronized PipelineStats stats() {
        return new PipelineStats(read.get(), rejected.get(), alerts.get(), alertsByKind.get(AlertKind.ALERT.ordinal()),
                alertsByKind.get(AlertKind.BUILDING_BLOCK.ordinal()), alertsByKind.get(AlertKind.SUPPRESSED.ordinal()),
                sinkErrors.get(), engine.stats());
    }

    public List<RuleMetadata> rules() {
        return engine.rules();
    }

    @Override
    public synchronized void close() {
        engine.close();
    }

    private ReadSummary count(ReadSummary summary, SourceCounters counters) {
        read.addAndGet(summary.accepted());
        rejected.addAndGet(summary.rejected());
        counters.count(summary);
        return summary;
    }

    private void publishRuleCounts() {
        ruleCount = engine.rules().size();
        statementCount = engine.statementCount();
    }

    /**
     * Recompiles the rules folder and, only if the whole set compiles and deploys, swaps it in; the
     * stage catalog, the escalation ladder and the allowlist are re-read too. Compiling happens outside the engine lock, the swap inside it, so
     * every event is evaluated by the old rules or the new ones, never by neither.
     */
    public ReloadStatus reloadRules() {
        CompiledRules next;
        try {
            next = engineSettings.compileRules();
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
                EsperEngine.SwapResult result = engine.swapRules(next);
                stages = next.stages();
                ladder = next.ladder();
                scorer.useRules(stages, ladder);
                if (context != null) {
                    context.useStages(stages);
                    context.useAllowlist(next.allowlist());
                }
                publishRuleCounts();
                reloadSuccesses++;
                lastReload = new ReloadStatus(Instant.now(), true, List.of(), result.added(), result.redeployed(),
                        result.removed(), reloadSuccesses, reloadFailures, next.refused());
                LOG.infof("rules reloaded from %s: added %s, redeployed %s, removed %s", rulesDir, result.added(),
                        result.redeployed(), result.removed());
                logRefused(next);
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

    public long reloadSuccesses() {
        return reloadSuccesses;
    }

    public long reloadFailures() {
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

    /** EPL statements deployed, as of the last start or reload; never waits for the engine. */
    public int statementCount() {
        return statementCount;
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
        Signal signal = Signal.of(hit, ladder);
        Scorer.Outcome outcome = scorer.accept(signal);
        String incidentId = outcome.incident() == null ? null : outcome.incident().incidentId();
        for (Alert alert : alertFactory.create(signal, incidentId)) {
            emit(alert);
        }
        if (outcome.escalated()) {
            emit(alertFactory.incident(outcome.incident(), stages));
        }
    }

    /** The stage vocabulary of the deployed rules ({@code stages.yaml}); never waits. */
    public StageCatalog stages() {
        return stages;
    }

    /** The escalation ladder of the deployed rules ({@code scoring.yaml}); never waits. */
    public io.trailsentry.engine.ScoringLadder ladder() {
        return ladder;
    }

    private void emit(Alert alert) {
        alerts.incrementAndGet();
        alertsByKind.incrementAndGet(AlertKind.of(alert).ordinal());
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
