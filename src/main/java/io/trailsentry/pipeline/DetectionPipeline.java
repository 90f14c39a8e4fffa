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
import io.trailsentry.ingest.DeadLetter;
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
    /** Implausible event times stop here, before the clock (issue #17, 3). */
    private final EventTimeGuard guard;
    /** Events handed in one by one ({@link #accept(CloudTrailEvent)}), created with the first. */
    private Feed direct;
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
    private volatile io.trailsentry.engine.EngineStats engineStats;
    private volatile List<EsperEngine.DeployedFile> deployedFiles = List.of();
    private volatile List<EsperEngine.DisabledFile> disabledFiles = List.of();

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
        this.guard = new EventTimeGuard(settings.eventTimeBounds());
        publishRuleCounts();
        // From the start, not only after the first 1,024 events: metrics and readiness show each
        // part's capacity (and zero use) before any input.
        publishStateUsage();
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
    public static final String HTTP = "http", INBOX = "inbox", KAFKA = "kafka", REPLAY = "replay", FILE = "file", RECOVERY = "recovery";

    /** A file, or a directory tree of CloudTrail files in any supported shape. */
    public ReadSummary ingest(Path fileOrDirectory) {
        return ingest(fileOrDirectory, FILE);
    }

    /** As {@link #ingest(Path)}, counted under {@code sourceKind} (e.g. {@code inbox}). */
    public ReadSummary ingest(Path fileOrDirectory, String sourceKind) {
        return feed(sourceKind, fileOrDirectory.toString(), deadLetters, events -> reader.read(fileOrDirectory, events, deadLetters));
    }

    public ReadSummary ingest(InputStream in, String source) {
        return feed(source, source, deadLetters, events -> reader.read(in, source, events, deadLetters));
    }

    public ReadSummary ingest(byte[] payload, String source) {
        return feed(source, source, deadLetters, events -> reader.read(payload, source, events, deadLetters));
    }

    /** As {@link #ingest(byte[], String)}, also telling {@code observer} this payload's dead letters (the sender's answer quotes them). */
    public ReadSummary ingest(byte[] payload, String source, DeadLetterSink observer) {
        DeadLetterSink both = d -> {
            deadLetters.accept(d);
            observer.accept(d);
        };
        return feed(source, source, both, events -> reader.read(payload, source, events, both));
    }

    /**
     * A payload of the server (an HTTP body, an inbox file) evaluated whole: read, then flushed, so
     * no event of it waits for a later payload and nothing depends on thread timing (issue #17, 4).
     * The same payloads in the same order give the same alerts.
     */
    public ReadSummary ingestPayload(byte[] payload, String source, DeadLetterSink observer) {
        try {
            return ingest(payload, source, observer);
        } finally {
            flush();
        }
    }

    /** As {@link #ingestPayload(byte[], String, DeadLetterSink)}, for a file or a directory tree (the inbox). */
    public ReadSummary ingestPayload(Path fileOrDirectory, String sourceKind) {
        try {
            return ingest(fileOrDirectory, sourceKind);
        } finally {
            flush();
        }
    }

    /**
     * Evaluates a file again with nothing emitted, neither alerts nor dead letters (they were when it
     * was first read), then flushes: rebuilds windows, incidents and remembered eventIDs after a
     * restart, as the Kafka lookback does for a partition.
     */
    public ReadSummary rebuild(Path file) {
        muted = true;
        try {
            DeadLetterSink none = d -> { };
            return feed(RECOVERY, file.toString(), none, events -> reader.read(file, events, none));
        } finally {
            flush();
            muted = false;
        }
    }

    /** While true (a rebuild), alerts go to no sink. */
    private volatile boolean muted;

    /** As {@link #ingest(Path)}, handing the parsed events to {@code events} instead of the engine (see {@link PipelinedReplay}). */
    public ReadSummary ingest(Path fileOrDirectory, Consumer<CloudTrailEvent> events) {
        return count(reader.read(fileOrDirectory, events, deadLetters), counters(REPLAY));
    }

    /** As {@link #ingest(byte[], String)}, handing the parsed events to {@code events} instead of the engine. */
    public ReadSummary ingest(byte[] payload, String source, Consumer<CloudTrailEvent> events) {
        return count(reader.read(payload, source, events, deadLetters), counters(source));
    }

    /**
     * One read into the engine: events pass the {@link EventTimeGuard} on their way, and those it
     * refuses are dead letters of this read, moved from its accepted count to its rejected one.
     */
    private ReadSummary feed(String sourceKind, String source, DeadLetterSink sink,
                             java.util.function.Function<Consumer<CloudTrailEvent>, ReadSummary> read) {
        SourceCounters counters = counters(sourceKind);
        Feed feed = new Feed(source, counters, sink, false);
        ReadSummary summary;
        try {
            summary = read.apply(event -> accept(event, feed));
        } finally {
            synchronized (this) {
                guard.release(); // a jump waiting for confirmation at the end of its read goes on
                publish();
            }
        }
        return count(new ReadSummary(summary.files(), summary.accepted() - feed.refused, summary.rejected() + feed.refused), counters);
    }

    /** Where one read's events go: on to the engine (counted under its source), or refused as its dead letters. */
    private final class Feed implements EventTimeGuard.Verdicts {
        final String source;
        final SourceCounters counters;
        final DeadLetterSink sink;
        /** Counted on the pipeline at once (a replay's engine thread), not through a read summary. */
        final boolean countNow;
        long refused;

        Feed(String source, SourceCounters counters, DeadLetterSink sink, boolean countNow) {
            this.source = source;
            this.counters = counters;
            this.sink = sink;
            this.countNow = countNow;
        }

        @Override
        public void pass(CloudTrailEvent event) {
            io.trailsentry.engine.ReorderBuffer.Outcome outcome = engine.accept(event);
            countOutcome(outcome, counters);
            Consumer<CloudTrailEvent> keep = archive;
            // Only what was ingested (not a replay's direct feed, not a rebuild's second read) and
            // taken by the engine (not a duplicate, not late): replaying the archive evaluates what
            // the engine evaluated.
            if (keep != null && !countNow && !muted && outcome == io.trailsentry.engine.ReorderBuffer.Outcome.BUFFERED) {
                keep.accept(event);
            }
        }

        @Override
        public void refuse(CloudTrailEvent event, String reason) {
            refused++;
            if (countNow) {
                read.decrementAndGet();
                rejected.incrementAndGet();
                counters.count(new ReadSummary(0, -1, 1));
            }
            sink.accept(new DeadLetter(source, event.getEventID() != null ? "eventID " + event.getEventID() : "eventTime " + event.getEventTime(),
                    reason, "eventName=" + event.getEventName() + " eventTime=" + event.getEventTime()
                    + (event.getArn() != null ? " arn=" + event.getArn() : "")));
        }
    }

    public synchronized void accept(CloudTrailEvent event) {
        if (direct == null) {
            direct = new Feed(FILE, counters(FILE), deadLetters, true);
        }
        guard.offer(event, direct);
        publish();
    }

    private synchronized void accept(CloudTrailEvent event, Feed feed) {
        if (inputCancelled) {
            throw new InputCancelledException();
        }
        guard.offer(event, feed);
        publish();
    }

    private volatile boolean inputCancelled;

    /**
     * Shutdown: input being read stops at its next record ({@link InputCancelledException} out of the
     * ingest call), so a long payload does not hold the server up; what was evaluated stays evaluated.
     */
    public void cancelInput() {
        inputCancelled = true;
    }

    /** Thrown out of an ingest call when {@link #cancelInput()} stopped it. */
    public static final class InputCancelledException extends RuntimeException {
        InputCancelledException() {
            super("input cancelled: the pipeline is shutting down", null, false, false);
        }
    }

    /**
     * After every engine step, what readers may see without the engine's lock: the clock and the
     * counters ({@code /status}, metrics, health, refusals answer from these while a step runs).
     */
    private void publish() {
        clockMillis = engine.clock();
        engineStats = engine.stats();
        if ((++steps & 1023) == 0) {
            publishStateUsage();
        }
        if (engine.disabledCount() != disabledFiles.size()) {
            publishRuleCounts(); // a rule spent its budget and was disabled during this step
        }
    }

    private long steps;
    private volatile List<StateUsage> stateUsage = List.of();

    private void publishStateUsage() {
        List<StateUsage> usage = new java.util.ArrayList<>(4);
        if (context != null) {
            io.trailsentry.context.Baselines baselines = context.baselines();
            usage.add(new StateUsage("actors", baselines.actorCount(), baselines.maxActors(), baselines.evicted()));
            usage.add(new StateUsage("lineage", context.lineageLinks(), context.maxLineageLinks(), context.lineageEvicted()));
        }
        usage.add(new StateUsage("incidents", scorer.openIncidents(), scorer.maxOpenIncidents(), scorer.evictedIncidents()));
        usage.add(new StateUsage("event_ids", engine.rememberedIds(), engine.maxRememberedIds(), engine.idsForgottenEarly()));
        io.trailsentry.engine.RuleStateUse tables = engine.ruleTableUse();
        usage.add(new StateUsage("rule_tables", tables.entries(), tables.capacity(), tables.evictions()));
        io.trailsentry.engine.RuleStateUse windows = engine.ruleWindowUse();
        usage.add(new StateUsage("rule_windows", windows.entries(), windows.capacity(), windows.evictions()));
        stateUsage = List.copyOf(usage);
    }

    /**
     * The state budget, part by part, as of a recent engine step (published when the pipeline is
     * built, then every 1,024 events and at each flush); never waits for the engine. Per-actor rule
     * state is the rules' own and expires with their windows (docs/operations.md, Bounds).
     */
    public List<StateUsage> stateUsage() {
        return stateUsage;
    }

    /** The learned baselines keep the actors with an open incident above Low longest (they may be shared with other pipelines). */
    public void protectSuspiciousActors() {
        if (context != null) {
            context.baselines().protect(scorer::hasIncidentAboveLow);
        }
    }

    /**
     * From now on, every event ingested through {@code ingest(…)} that the engine takes (not a
     * duplicate, not late) is handed to {@code archive}, on the ingesting thread, which must not block
     * (the server's {@code EventArchive} only queues it). Null stops archiving.
     */
    public void archiveTo(Consumer<CloudTrailEvent> archive) {
        this.archive = archive;
    }

    /** A batch under one lock acquisition (a replay's engine thread: counted as {@code replay}). */
    public synchronized void acceptAll(List<CloudTrailEvent> events) {
        if (replayFeed == null) {
            replayFeed = new Feed(REPLAY, counters(REPLAY), deadLetters, true);
        }
        for (CloudTrailEvent event : events) {
            guard.offer(event, replayFeed);
        }
        publish();
    }

    /** The replay engine thread's feed ({@link #acceptAll}): a jump may wait for confirmation across its batches. */
    private Feed replayFeed;

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
        publish();
    }

    /** Live mode: release events that have waited the max hold, when input pauses. */
    public synchronized void tick() {
        engine.tick();
        publish();
    }

    /** Evaluates every event held for reordering, windows left open; see {@link DetectionEngine#flush()}. */
    public synchronized void flush() {
        guard.release();
        engine.flush();
        publish();
        publishStateUsage();
    }

    /** End of a finite input: release held events and close all windows. */
    public synchronized void finish() {
        guard.release();
        engine.finish();
        publish();
        publishStateUsage();
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

    /** Totals as of the last engine step; never waits for the engine (a step in progress is not counted yet). */
    public PipelineStats stats() {
        return new PipelineStats(read.get(), rejected.get(), alerts.get(), alertsByKind.get(AlertKind.ALERT.ordinal()),
                alertsByKind.get(AlertKind.BUILDING_BLOCK.ordinal()), alertsByKind.get(AlertKind.SUPPRESSED.ordinal()),
                sinkErrors.get(), engineStats);
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
        deployedFiles = engine.deployedFiles();
        disabledFiles = engine.disabledFiles();
        engineStats = engine.stats();
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

    /** Deployed rules with their file, deployment time and hit count, as of the last start or reload; never waits for the engine. */
    public List<DeployedRule> deployedRules() {
        List<DeployedRule> out = new java.util.ArrayList<>();
        for (EsperEngine.DeployedFile file : deployedFiles) {
            for (RuleMetadata rule : file.rules()) {
                out.add(new DeployedRule(rule, file.file().relativePath(), file.deployedAt(), engine.hitCount(rule.id())));
            }
        }
        return out;
    }

    /**
     * Rules disabled because an evaluation spent its budget (issue #17, 7), with the reason; they stay
     * off until their file changes. As of the last engine step; never waits for the engine.
     */
    public List<EsperEngine.DisabledFile> disabledRules() {
        return disabledFiles;
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
        for (Alert alert : alertFactory.create(signal, outcome.incidentId())) {
            emit(alert);
        }
        if (outcome.escalated()) {
            emit(alertFactory.incident(outcome.escalation(), stages));
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
        if (muted) {
            return; // a rebuild: this alert was emitted when its input was first read
        }
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
