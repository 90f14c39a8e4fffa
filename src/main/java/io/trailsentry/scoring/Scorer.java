package io.trailsentry.scoring;

import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.Severity;
import io.trailsentry.ingest.CloudTrailEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
 * stages. Every point of a score is a {@link ScoreItem}; severity comes from the stage ladder:
 * <ul>
 *   <li>discovery only: Low, or Medium with enough suspicious contexts;</li>
 *   <li>other early stages (execution, collection, lateral movement, initial access, impact): Medium;</li>
 *   <li>privilege escalation, persistence, credential access, exfiltration or defence evasion: High;</li>
 *   <li>three stages, or credential access / exfiltration / defence evasion with another stage: Critical;</li>
 * </ul>
 * then one level down when nothing suspicious (unknown IP, off-hours, non-admin) was seen, and two
 * down for an allowlisted scanner. Signals of identities the actor created join its incident.
 * Not thread-safe: the pipeline calls it on the engine thread.
 */
public final class Scorer {

    /** The kill-chain ladder: incidents list their stages in this order, and the SOC console draws its ladder from it. */
    public static final List<String> STAGE_ORDER = List.of("initial_access", "discovery", "execution", "privilege_escalation",
            "persistence", "credential_access", "lateral_movement", "collection", "exfiltration", "defense_evasion", "impact");
    private static final Set<String> HIGH_STAGES = Set.of("privilege_escalation", "persistence", "credential_access",
            "exfiltration", "defense_evasion");
    private static final Set<String> CRITICAL_STAGES = Set.of("credential_access", "exfiltration", "defense_evasion");
    private static final Set<String> SUSPICIOUS = Set.of("unknown_ip", "off_hours", "non_admin");
    static final int EVIDENCE_CAP = 200;
    static final int SIGNALS_CAP = 200;
    private static final int PURGE_EVERY = 1024;

    /** What a hit did to its incident. {@code incident} is null for a hit with no actor (AWS service calls). */
    public record Outcome(Incident incident, boolean escalated) {
    }

    private final ScoringSettings settings;
    private final Map<String, State> open = new HashMap<>();
    private int sincePurge;

    public Scorer(ScoringSettings settings) {
        this.settings = settings;
    }

    public Outcome accept(RuleHit hit) {
        CloudTrailEvent actorEvent = hit.events().stream().filter(e -> e.getActorKey() != null).findFirst().orElse(null);
        if (actorEvent == null) {
            return new Outcome(null, false);
        }
        long now = hit.engineTime();
        purgeExpired(now);
        String root = actorEvent.getCreatedBy() != null ? actorEvent.getCreatedBy() : actorEvent.getActorKey();
        State state = open.get(root);
        if (state == null || now - state.lastSeen > settings.horizon().toMillis()) {
            state = new State(root, actorEvent, hit);
            open.put(root, state);
        }
        Severity before = state.severity;
        int stagesBefore = state.stages.size();
        state.add(hit, actorEvent);
        Incident incident = state.snapshot(settings);
        state.severity = incident.severity();
        // Opened, reached a new stage, or went up the ladder: worth an incident alert. Only more of
        // the same (another hit of a rule already counted) is not.
        boolean escalated = stagesBefore == 0 || state.stages.size() > stagesBefore
                || incident.severity().ordinal() > before.ordinal();
        return new Outcome(incident, escalated);
    }

    public int openIncidents() {
        return open.size();
    }

    private void purgeExpired(long now) {
        if (++sincePurge < PURGE_EVERY) {
            return;
        }
        sincePurge = 0;
        long horizon = settings.horizon().toMillis();
        for (Iterator<State> it = open.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastSeen > horizon) {
                it.remove();
            }
        }
    }

    /** Severity from the stage ladder and the contexts, as the class comment says. */
    static Severity severityOf(Set<String> stages, Set<String> contexts, int suspiciousForMedium) {
        long suspicious = contexts.stream().filter(SUSPICIOUS::contains).count();
        boolean onlyDiscovery = stages.stream().allMatch("discovery"::equals);
        long critical = stages.stream().filter(CRITICAL_STAGES::contains).count();
        Severity base;
        if (stages.size() >= 3 || (critical > 0 && stages.size() >= 2)) {
            base = Severity.Critical;
        } else if (stages.stream().anyMatch(HIGH_STAGES::contains)) {
            base = Severity.High;
        } else if (!onlyDiscovery) {
            base = Severity.Medium;
        } else {
            base = suspicious >= suspiciousForMedium ? Severity.Medium : Severity.Low;
        }
        int level = base.ordinal();
        if (contexts.contains("allowlisted")) {
            level -= 2;
        } else if (suspicious == 0 && !onlyDiscovery) {
            level -= 1;
        }
        return Severity.values()[Math.max(level, onlyDiscovery || contexts.contains("allowlisted") ? 0 : 1)];
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
        final Map<String, String> firstHitByRule = new HashMap<>();
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

        void add(RuleHit hit, CloudTrailEvent actorEvent) {
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
            firstHitByRule.putIfAbsent(hit.rule().id(), hit.rule().name());
            ruleSeverity.putIfAbsent(hit.rule().id(), hit.rule().severity());
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
                        hit.rule().severity().name(), Instant.ofEpochMilli(hit.engineTime()), hit.count(), linkedIdentity));
            }
        }

        Incident snapshot(ScoringSettings settings) {
            List<ScoreItem> breakdown = new ArrayList<>();
            firstHitByRule.forEach((ruleId, ruleName) ->
                    breakdown.add(new ScoreItem("signal", ruleName, settings.signalPoints().getOrDefault(ruleSeverity.get(ruleId), 0))));
            breakdown.sort(java.util.Comparator.comparing(ScoreItem::name));
            List<String> orderedStages = STAGE_ORDER.stream().filter(stages::contains).toList();
            for (String stage : orderedStages) {
                breakdown.add(new ScoreItem("stage", stage, settings.stagePoints().getOrDefault(stage, 0)));
            }
            for (String context : contexts) {
                breakdown.add(new ScoreItem("context", context, settings.contextPoints().getOrDefault(context, 0)));
            }
            if (!linked.isEmpty()) {
                breakdown.add(new ScoreItem("lineage", "created identities acted: " + String.join(", ", linked), settings.lineagePoints()));
            }
            int score = Math.max(0, Math.min(100, breakdown.stream().mapToInt(ScoreItem::points).sum()));
            Severity severity = severityOf(stages, contexts, settings.suspiciousContextsForMedium());
            return new Incident(incidentId, actorKey, actorName, principalId, principalArn, accountId, severity, score,
                    orderedStages, List.copyOf(contexts), List.copyOf(breakdown), List.copyOf(signals), Set.copyOf(linked),
                    Set.copyOf(accessKeys), List.copyOf(ips), List.copyOf(evidence.keySet()), Instant.ofEpochMilli(firstSeen),
                    Instant.ofEpochMilli(lastSeen), List.copyOf(evidence.values()), List.copyOf(unknownIps));
        }
    }
}
