package io.trailsentry.incident;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.scoring.EvidenceEvent;
import io.trailsentry.scoring.Incident;
import io.trailsentry.scoring.ScoreItem;

import java.time.Instant;
import java.util.List;

/**
 * Everything an analyst needs to triage one incident.
 *
 * @param contexts         contexts seen (unknown_ip, off_hours, non_admin, allowlisted)
 * @param scoreBreakdown   every point of the score, from the latest escalation
 * @param signals          the signals the scorer counted, oldest first
 * @param timeline         signals and escalations as they were recorded, in event time
 * @param evidenceEvents   the events behind its alerts, one row each, oldest first (at most {@link #EVIDENCE_CAP})
 * @param linkedIdentities users and keys the actor created that then acted
 * @param triageHistory    every acknowledge, resolve and reopen, oldest first
 * @param alerts           the raw alerts, newest first (at most {@link #ALERT_CAP}; {@code alertCount} says how many exist)
 */
public record IncidentDetail(IncidentSummary incident, List<String> contexts, List<ScoreItem> scoreBreakdown,
                             List<Incident.SignalRef> signals, List<TimelineEntry> timeline,
                             List<EvidenceEvent> evidenceEvents, List<LinkedIdentity> linkedIdentities,
                             List<TriageAction> triageHistory, List<RawAlert> alerts, long alertCount) {

    public static final int EVIDENCE_CAP = 500;
    public static final int ALERT_CAP = 100;
    public static final int TIMELINE_CAP = 1000;

    /**
     * One line of the timeline.
     *
     * @param kind {@code signal} (an alerting rule fired), {@code building_block} (a rule that only feeds
     *             incidents fired) or {@code escalation} (the incident opened or went up)
     * @param at   the event time it fired at
     */
    public record TimelineEntry(Instant at, String kind, String alertId, String title, String severity, int score,
                                List<String> stages, long count) {
    }

    /**
     * A user or key the actor created that then acted.
     *
     * @param type   {@code user}, {@code access_key} or {@code identity}
     * @param raised rule names of the signals it raised
     */
    public record LinkedIdentity(String id, String type, List<String> raised) {
    }

    /** A triage step: who set which status when, and why. */
    public record TriageAction(TriageStatus status, String by, Instant at, String note) {
    }

    /** An alert exactly as the sinks received it. */
    public record RawAlert(String alertId, String kind, Instant detectedAt, JsonNode alert) {
    }
}
