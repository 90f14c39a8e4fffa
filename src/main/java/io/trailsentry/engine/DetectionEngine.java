package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Events in, rule hits out, on event time: the reorder buffer in front of the Esper runtime.
 * Not thread-safe; callers serialise.
 */
public final class DetectionEngine implements AutoCloseable {

    /**
     * How far event time is pushed past the last event when input ends, so every window still open
     * (a 10-minute bin, a 15-minute sequence) closes and reports. Longer than any rule window.
     */
    static final Duration END_OF_INPUT_DRAIN = Duration.ofHours(1);

    private final EsperEngine esper;
    private final ReorderBuffer buffer;
    private final UnaryOperator<CloudTrailEvent> enricher;
    private final EngineSettings settings;
    private long processed;
    /** Deployed rules, counted at each deployment: stats are read after every step, the rule list is not cheap. */
    private int ruleCount;

    public DetectionEngine(EngineSettings settings, Consumer<RuleHit> hits) throws RuleLoadException {
        this(settings, settings.compileRules(), UnaryOperator.identity(), hits);
    }

    /** With rules compiled beforehand, e.g. once for many rule-test cases, and no context stage. */
    public DetectionEngine(EngineSettings settings, CompiledRules rules, Consumer<RuleHit> hits) throws RuleLoadException {
        this(settings, rules, UnaryOperator.identity(), hits);
    }

    /**
     * @param enricher the context stage: applied to each event once it is in event-time order, just
     *                 before the rules see it (context that learns must learn in event order)
     */
    public DetectionEngine(EngineSettings settings, CompiledRules rules, UnaryOperator<CloudTrailEvent> enricher,
                           Consumer<RuleHit> hits) throws RuleLoadException {
        this(settings, rules, enricher, hits, false);
    }

    private DetectionEngine(EngineSettings settings, CompiledRules rules, UnaryOperator<CloudTrailEvent> enricher,
                            Consumer<RuleHit> hits, boolean checked) throws RuleLoadException {
        this.enricher = enricher;
        this.settings = settings;
        this.esper = new EsperEngine(hits);
        esper.limitRuleState(settings.ruleStateCaps());
        try {
            if (checked) {
                esper.deployChecked(rules, settings.ruleParameters());
            } else {
                esper.deploy(rules, settings.ruleParameters());
            }
        } catch (RuleLoadException | RuntimeException e) {
            esper.close();
            throw e;
        }
        this.buffer = new ReorderBuffer(settings.allowedLateness(), settings.maxHold(), settings.dedupHorizon(), settings.maxEventIds(),
                System::nanoTime, this::evaluate);
        this.ruleCount = esper.rules().size();
    }

    /**
     * An engine over part of a rule set whose whole was deployed and checked before (see
     * {@link EsperEngine#deployChecked}): what rule tests start for every case.
     */
    public static DetectionEngine ofCheckedRules(EngineSettings settings, CompiledRules rules, UnaryOperator<CloudTrailEvent> enricher,
                                                 Consumer<RuleHit> hits) {
        try {
            return new DetectionEngine(settings, rules, enricher, hits, true);
        } catch (RuleLoadException e) {
            throw new IllegalStateException("checked rules were refused", e);
        }
    }

    /** For each deployed rule file, the files it needs deployed with it; see {@link EsperEngine#fileDependencies}. */
    public Map<String, Set<String>> fileDependencies() {
        return esper.fileDependencies();
    }

    public ReorderBuffer.Outcome accept(CloudTrailEvent event) {
        ReorderBuffer.Outcome outcome = buffer.offer(event);
        // Nothing older than the watermark will be released any more (late events aside), so event
        // time may move up to it: a bin or window ending before it closes now, not at the next event.
        advanceClockToWatermark();
        return outcome;
    }

    /** No input for {@code elapsedMillis} of wall-clock time: see {@link ReorderBuffer#advanceIdle}. */
    public void idle(long elapsedMillis) {
        buffer.advanceIdle(elapsedMillis);
        if (processed > 0 && buffer.maxSeen() > esper.currentTime()) {
            esper.advanceTo(buffer.maxSeen());
        }
    }

    /**
     * Released events move the clock themselves; this only matters across gaps, so it moves at most
     * once per event-time second rather than per event (advancing the clock is not free).
     */
    private void advanceClockToWatermark() {
        long watermark = buffer.watermark();
        if (processed > 0 && watermark >= esper.currentTime() + CLOCK_STEP_MILLIS) {
            esper.advanceTo(watermark);
        }
    }

    private static final long CLOCK_STEP_MILLIS = 1000;

    /** Live mode: release what has waited the max hold (called from a timer). */
    public void tick() {
        buffer.tick();
    }

    /**
     * Releases every event held for reordering and evaluates it, without moving event time past the
     * newest event (windows stay open, unlike {@link #finish()}). A consumer that must know its input
     * was evaluated before acknowledging it (Kafka offsets) calls this after each batch.
     */
    public void flush() {
        buffer.flush();
    }

    /** End of input (a replay finished): release held events and close every open window. */
    public void finish() {
        buffer.flush();
        if (processed > 0) {
            esper.advanceTo(esper.currentTime() + END_OF_INPUT_DRAIN.toMillis());
        }
    }

    public List<RuleMetadata> rules() {
        return esper.rules();
    }

    /** Swaps in a new version of the rule set; see {@link EsperEngine#swap}. */
    public EsperEngine.SwapResult swapRules(CompiledRules next) throws RuleLoadException {
        EsperEngine.SwapResult result = esper.swap(next, settings.ruleParameters());
        ruleCount = esper.rules().size();
        return result;
    }

    public List<EsperEngine.DeployedFile> deployedFiles() {
        return esper.deployedFiles();
    }

    /** Rules files disabled for spending their evaluation budget; see {@link EsperEngine#disabledFiles()}. */
    public List<EsperEngine.DisabledFile> disabledFiles() {
        return esper.disabledFiles();
    }

    public int disabledCount() {
        return esper.disabledCount();
    }

    public long hitCount(String ruleId) {
        return esper.hitCount(ruleId);
    }

    public int statementCount() {
        return esper.statementCount();
    }

    /** The reorder buffer, for its remembered eventIDs (the state budget). */
    public int rememberedIds() {
        return buffer.rememberedIds();
    }

    public int maxRememberedIds() {
        return buffer.maxRememberedIds();
    }

    public long idsForgottenEarly() {
        return buffer.idsForgottenEarly();
    }

    /** The rule tables' part of the state budget: rows in all tables, their cap, rows evicted. */
    public RuleStateUse ruleTableUse() {
        return esper.ruleTableUse();
    }

    /** The rule windows' part of the state budget: events in all windows, their cap, events evicted. */
    public RuleStateUse ruleWindowUse() {
        return esper.ruleWindowUse();
    }

    /** The event-time clock, epoch millis; 0 before the first event. */
    public long clock() {
        return esper.currentTime();
    }

    public EngineStats stats() {
        return new EngineStats(processed, buffer.duplicates(), buffer.late(), buffer.pendingCount(),
                esper.currentTime(), buffer.watermark(), ruleCount);
    }

    @Override
    public void close() {
        esper.close();
    }

    private void evaluate(CloudTrailEvent event) {
        processed++;
        int disabledBefore = esper.disabledCount();
        esper.send(enricher.apply(event));
        if (esper.disabledCount() != disabledBefore) {
            ruleCount = esper.rules().size();
        }
    }
}
