package io.trailsentry.scoring;

import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.ScoringLadder;
import io.trailsentry.engine.Severity;
import io.trailsentry.ingest.CloudTrailEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import io.trailsentry.context.StageCatalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Correlates signals per actor into incidents and escalates them as the attack moves through
 * stages. Every point of a score is a {@link ScoreItem}; severity comes from the escalation ladder,
 * which is data: each stage's tier and points in {@code stages.yaml} ({@link StageCatalog}), what the
 * tiers make, the context moves and the other points in {@code scoring.yaml} ({@link ScoringLadder}).
 * The first rung of the ladder that holds for the stages reached gives the incident's severity, then
 * context moves it ({@link ContextAdjustment#incident}). Signals of identities the actor created
 * join its incident. Not thread-safe: the pipeline calls it on the engine thread.
 */
public final class Scorer {

    static final int EVIDENCE_CAP = 200;
    static final int SIGNALS_CAP = 200;
    private static final int PURGE_EVERY = 1024;

    /**
     * What a hit did to its incident.
     *
     * @param incidentId the incident the hit joined; null for a hit with no actor (AWS service calls)
     * @param escalation the incident as it stands, when this hit escalated it (worth an incident
     *                   alert); null otherwise. Built only then: most hits add more of the same, and
     *                   copying an incident's signals and evidence for each was a tenth of the engine
     *                   thread's time.
     */
    public record Outcome(String incidentId, Incident escalation) {

        public boolean escalated() {
            return escalation != null;
        }
    }

    private final ScoringSettings settings;
    private StageCatalog stages;
    private ScoringLadder ladder;
    /** Open incidents by root actor. */
    private final Map<String, State> open = new HashMap<>();
    /**
     * The same incidents by severity, each least recently active first: when the budget is full, the
     * first of the lowest severity is closed, so the most suspicious actors' incidents go last.
     */
    private final Map<Severity, java.util.LinkedHashMap<String, State>> bySeverity = new java.util.EnumMap<>(Severity.class);
    private int sincePurge;
    private long evicted;
    /**
     * Actors with an open incident above Low, readable from any thread: the learned baselines keep
     * theirs longest (they are shared with pipelines on other threads).
     */
    private final Set<String> suspicious = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Scorer(ScoringSettings settings, StageCatalog stages, ScoringLadder ladder) {
        this.settings = settings;
        this.stages = stages;
        this.ladder = ladder;
    }

    /**
     * The rules were reloaded with their {@code stages.yaml} and {@code scoring.yaml}: open incidents
     * keep their history (signals, stages, contexts) and are scored on the new ladder from their next signal.
     */
    public void useRules(StageCatalog nextStages, ScoringLadder nextLadder) {
        this.stages = nextStages;
        this.ladder = nextLadder;
    }

    public Outcome accept(Signal signal) {
        RuleHit hit = signal.hit();
        CloudTrailEvent actorEvent = hit.events().stream().filter(e -> e.getActorKey() != null).findFirst().orElse(null);
        if (actorEvent == null) {
            return new Outcome(null, null);
        }
        long now = hit.engineTime();
        purgeExpired(now);
        String root = actorEvent.getCreatedBy() != null ? actorEvent.getCreatedBy() : actorEvent.getActorKey();
        State state = open.get(root);
        if (state == null || now - state.lastSeen > settings.horizon().toMillis()) {
            if (state != null) {
                forget(state);
            }
            state = new State(root, actorEvent, hit);
            open.put(root, state);
            bucket(state.severity).put(root, state);
            while (open.size() > settings.maxOpenIncidents()) {
                evictLeastSuspicious(state);
            }
        }
        Severity before = state.severity;
        int stagesBefore = state.stages.size();
        boolean quietBefore = stagesBefore > 0 && state.quiet();
        state.add(signal, actorEvent);
        AdjustedSeverity adjusted = state.severity(ladder, stages);
        Severity after = adjusted.severity();
        bucket(state.severity).remove(root);
        state.severity = after;
        bucket(state.severity).put(root, state); // last: the most recently active of its severity
        if (state.severity.compareTo(Severity.Low) > 0) {
            suspicious.add(root);
        }
        // Opened, reached a new stage, went up the ladder, or was building blocks only (scored, not
        // paged) until a rule that alerts joined it: worth an incident alert. Only more of the same
        // (another hit of a rule already counted) is not.
        boolean escalated = stagesBefore == 0 || state.stages.size() > stagesBefore
                || after.ordinal() > before.ordinal()
                || (quietBefore && !state.quiet());
        return new Outcome(state.incidentId, escalated ? state.snapshot(ladder, stages, adjusted) : null);
    }

    public int openIncidents() {
        return open.size();
    }

    /** Incidents closed before their horizon because the budget was full. */
    public long evictedIncidents() {
        return evicted;
    }

    public int maxOpenIncidents() {
        return settings.maxOpenIncidents();
    }

    private java.util.LinkedHashMap<String, State> bucket(Severity severity) {
        return bySeverity.computeIfAbsent(severity, s -> new java.util.LinkedHashMap<>());
    }

    private void forget(State state) {
        open.remove(state.actorKey);
        bucket(state.severity).remove(state.actorKey);
        suspicious.remove(state.actorKey);
    }

    /** Whether the actor has an open incident above Low; safe from any thread. */
    public boolean hasIncidentAboveLow(String actorKey) {
        return actorKey != null && suspicious.contains(actorKey);
    }

    /**
     * Closes the least severe incident, of those the least recently active (never {@code keep}, the one
     * just opened). A spray of new principals then closes Informational and Low incidents, and
     * incidents above Low only when nothing less severe is left.
     */
    private void evictLeastSuspicious(State keep) {
        for (Severity severity : Severity.values()) {
            java.util.LinkedHashMap<String, State> candidates = bySeverity.get(severity);
            if (candidates == null) {
                continue;
            }
            for (State victim : candidates.values()) {
                if (victim != keep) {
                    forget(victim);
                    evicted++;
                    return;
                }
            }
        }
        throw new IllegalStateException("no incident to close although " + open.size() + " are open");
    }

    private void purgeExpired(long now) {
        if (++sincePurge < PURGE_EVERY) {
            return;
        }
        sincePurge = 0;
        long horizon = settings.horizon().toMillis();
        for (Iterator<State> it = open.values().iterator(); it.hasNext(); ) {
            State state = it.next();
            if (now - state.lastSeen > horizon) {
                it.remove();
                bucket(state.severity).remove(state.actorKey);
                suspicious.remove(state.actorKey);
            }
        }
    }

    /** Severity from the ladder's first rung that holds, then the context, with the reason. */
    static AdjustedSeverity severityOf(Collection<String> reached, StageCatalog catalog, ContextEvidence context, ScoringLadder ladder) {
        Set<StageCatalog.Tier> tiers = EnumSet.noneOf(StageCatalog.Tier.class);
        for (String stage : reached) {
            catalog.find(stage).ifPresent(s -> tiers.add(s.tier()));
        }
        String stages = String.join(", ", catalog.inLadderOrder(reached));
        int suspicious = context.suspicious().size();
        for (ScoringLadder.Rung rung : ladder.ladder()) {
            if (rung.holds(reached.size(), tiers, suspicious)) {
                return ContextAdjustment.incident(rung.severity(), rung.explain(stages, reached.size(), suspicious), context, tiers, ladder);
            }
        }
        // The reader refuses a ladder whose last rung has a condition, so this is a bug, not a tuning mistake.
        throw new IllegalStateException(ladder.source() + ": no rung held for " + reached);
    }

    /**
     * The stages a hit stands for. A rule naming several stages (a sequence: discovery then a
     * privilege or persistence call) counts only those its evidence really reached, so one ordinary
     * admin write after some listing is two stages, not three; when the evidence is in none of them
     * (a denied-calls burst of secret reads), the rule's own stages count.
     */
    static List<String> stagesShown(RuleHit hit) {
        List<String> ruleStages = hit.rule().stages();
        if (ruleStages.size() < 2) {
            return ruleStages;
        }
        Set<String> reached = new java.util.HashSet<>();
        for (CloudTrailEvent e : hit.events()) {
            reached.addAll(List.of(e.getStages()));
        }
        List<String> shown = ruleStages.stream().filter(reached::contains).toList();
        return shown.isEmpty() ? ruleStages : shown;
    }

    private static final class State {
        final String incidentId;
        final String actorKey;
        final String actorName;
        final String principalId;
        final String principalArn;
        final String accountId;
        final long firstSeen;
        long lastSeen;
        Severity severity = Severity.Informational;
        final Set<String> stages = new LinkedHashSet<>();
        final Set<String> contexts = new TreeSet<>();
        /** Every signal so far came from allowlisted calls only. */
        boolean allowlisted = true;
        /** Every signal so far came from a building-block rule. */
        boolean buildingBlocks = true;

        /** What {@link Incident#onlyBuildingBlocks()} says of this incident now: scored, not paged. */
        boolean quiet() {
            return buildingBlocks && stages.size() < 2;
        }
        final Map<String, String> firstHitByRule = new HashMap<>();
        /** The severity in context of each rule's first hit: what its signal points are for. */
        final Map<String, Severity> ruleSeverity = new HashMap<>();
        final Set<String> linked = new TreeSet<>();
        final Set<String> accessKeys = new TreeSet<>();
        final Set<String> ips = new TreeSet<>();
        final Set<String> unknownIps = new TreeSet<>();
        /** eventID → its row, in arrival order, capped at {@link #EVIDENCE_CAP}. */
        final Map<String, EvidenceEvent> evidence = new java.util.LinkedHashMap<>();
        final List<Incident.SignalRef> signals = new ArrayList<>();

        State(String root, CloudTrailEvent actorEvent, RuleHit first) {
            boolean rootIsActor = actorEvent.getCreatedBy() == null;
            this.actorKey = root;
            this.actorName = rootIsActor ? actorEvent.getActorName() : root.substring(root.lastIndexOf('/') + 1);
            this.principalId = rootIsActor ? actorEvent.getPrincipalId() : null;
            this.principalArn = rootIsActor ? actorEvent.getArn() : null;
            this.accountId = actorEvent.getAccountId();
            this.firstSeen = first.windowStart();
            this.incidentId = UUID.nameUUIDFromBytes((root + "|" + first.windowStart()).getBytes(StandardCharsets.UTF_8)).toString();
        }

        void add(Signal signal, CloudTrailEvent actorEvent) {
            RuleHit hit = signal.hit();
            lastSeen = Math.max(lastSeen, hit.engineTime());
            String linkedIdentity = null;
            if (actorEvent.getCreatedBy() != null) {
                linkedIdentity = actorEvent.getAccessKeyId() != null ? actorEvent.getAccessKeyId() : actorEvent.getArn();
                linked.add(actorEvent.getArn());
                if (actorEvent.getAccessKeyId() != null) {
                    linked.add(actorEvent.getAccessKeyId());
                }
            }
            stages.addAll(stagesShown(hit));
            allowlisted &= signal.context().allowlisted();
            buildingBlocks &= signal.buildingBlock();
            firstHitByRule.putIfAbsent(hit.rule().id(), hit.rule().name());
            ruleSeverity.putIfAbsent(hit.rule().id(), signal.severity().severity());
            for (CloudTrailEvent e : hit.events()) {
                if (e.getActorKey() == null) {
                    continue;
                }
                contexts.addAll(e.getContexts());
                if (e.getAccessKeyId() != null) {
                    accessKeys.add(e.getAccessKeyId());
                }
                if (e.getSourceIPAddress() != null) {
                    ips.add(e.getSourceIPAddress());
                    if (e.isUnknownIp()) {
                        unknownIps.add(e.getSourceIPAddress());
                    }
                }
                if (e.getEventID() != null && evidence.size() < EVIDENCE_CAP) {
                    evidence.putIfAbsent(e.getEventID(), EvidenceEvent.of(e));
                }
            }
            if (signals.size() < SIGNALS_CAP) {
                signals.add(new Incident.SignalRef(hit.rule().id(), hit.rule().name(), stagesShown(hit),
                        signal.severity().severity(), Instant.ofEpochMilli(hit.engineTime()), hit.count(), linkedIdentity,
                        signal.buildingBlock()));
            }
        }

        /** The ladder's severity for the stages reached so far, in context, with why. */
        AdjustedSeverity severity(ScoringLadder ladder, StageCatalog catalog) {
            return severityOf(stages, catalog, ContextEvidence.of(contexts, allowlisted, true, ladder), ladder);
        }

        /** The incident as it stands, with the severity {@link #severity} gave for it just now. */
        Incident snapshot(ScoringLadder ladder, StageCatalog catalog, AdjustedSeverity severity) {
            ScoringLadder.Points points = ladder.points();
            List<ScoreItem> breakdown = new ArrayList<>();
            firstHitByRule.forEach((ruleId, ruleName) ->
                    breakdown.add(new ScoreItem("signal", ruleName, points.signal().getOrDefault(ruleSeverity.get(ruleId), 0))));
            breakdown.sort(java.util.Comparator.comparing(ScoreItem::name));
            List<String> orderedStages = catalog.inLadderOrder(stages);
            for (String stage : orderedStages) {
                breakdown.add(new ScoreItem("stage", stage, catalog.find(stage).map(StageCatalog.Stage::points).orElse(0)));
            }
            for (String context : contexts) {
                breakdown.add(new ScoreItem("context", context, points.context().getOrDefault(context, 0)));
            }
            if (!linked.isEmpty()) {
                breakdown.add(new ScoreItem("lineage", "created identities acted: " + String.join(", ", linked), points.lineage()));
            }
            int score = Math.max(0, Math.min(100, breakdown.stream().mapToInt(ScoreItem::points).sum()));
            return new Incident(incidentId, actorKey, actorName, principalId, principalArn, accountId, severity, score,
                    orderedStages, List.copyOf(contexts), List.copyOf(breakdown), List.copyOf(signals), Set.copyOf(linked),
                    Set.copyOf(accessKeys), List.copyOf(ips), List.copyOf(evidence.keySet()), Instant.ofEpochMilli(firstSeen),
                    Instant.ofEpochMilli(lastSeen), List.copyOf(evidence.values()), List.copyOf(unknownIps), quiet());
        }
    }
}
