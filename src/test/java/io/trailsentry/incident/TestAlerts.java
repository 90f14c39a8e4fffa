package io.trailsentry.incident;

import io.trailsentry.alert.Alert;
import io.trailsentry.engine.Severity;
import io.trailsentry.scoring.EvidenceEvent;
import io.trailsentry.scoring.Incident;
import io.trailsentry.scoring.ScoreItem;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Incident and signal alerts as the scorer and the alert factory make them, with only the fields the
 * incident store reads filled in, so store tests say what they mean in one line.
 */
public final class TestAlerts {

    private TestAlerts() {
    }

    /** An incident alert: one escalation of {@code incidentId} to {@code severity} with {@code stages}, at event time {@code at}. */
    public static Alert incident(String incidentId, String account, String actor, String severity, int score, List<String> stages,
                                 Instant firstSeen, Instant at, List<String> ips, List<String> unknownIps) {
        String alertId = uuid("incident|" + incidentId + "|" + severity + "|" + String.join(",", stages));
        List<ScoreItem> breakdown = stages.stream().map(s -> new ScoreItem("stage", s, 10)).toList();
        List<Incident.SignalRef> signals = List.of(new Incident.SignalRef("rule-1", "Test signal", stages, Severity.parse(severity), at, 3,
                null, false));
        return alert(alertId, Alert.INCIDENT_RULE_ID, "Attack progression incident", severity, score, stages, incidentId, account,
                actor, firstSeen, at, ips, unknownIps, breakdown, signals, List.of(),
                List.of(new EvidenceEvent("ev-" + incidentId + "-" + severity, at, "ListUsers", "iam.amazonaws.com",
                        ips.isEmpty() ? null : ips.get(0), "aws-cli/2.15", null, null)));
    }

    /** A signal alert of rule {@code ruleName} in {@code incidentId}, carrying one evidence event. */
    public static Alert signal(String incidentId, String account, String actor, String ruleName, String severity, List<String> stages,
                               Instant at, String ip, boolean unknownIp, String eventName, String errorCode) {
        String alertId = uuid("signal|" + incidentId + "|" + ruleName + "|" + at);
        return alert(alertId, uuid(ruleName), ruleName, severity, 50, stages, incidentId, account, actor, at, at,
                ip == null ? List.of() : List.of(ip), unknownIp && ip != null ? List.of(ip) : List.of(), null, null, null,
                List.of(new EvidenceEvent("ev-" + alertId, at, eventName, "iam.amazonaws.com", ip, "aws-cli/2.15 <script>", errorCode, null)));
    }

    public static Alert withLinkedIdentities(Alert a, List<String> linked, List<Incident.SignalRef> signals) {
        return new Alert(a.alertId(), a.rule(), a.rating(), a.score(), a.stages(), a.mitre(), a.actor(), a.window(), a.evidence(),
                a.displayName(), a.description(), new Alert.IncidentRef(a.incident().incidentId(), a.incident().scoreBreakdown(),
                        signals, linked, a.incident().stageTactics()));
    }

    /** The same alert with another incident reference (null: an alert that belongs to no incident). */
    public static Alert withIncident(Alert a, String alertId, String incidentId) {
        return new Alert(alertId, a.rule(), a.rating(), a.score(), a.stages(), a.mitre(), a.actor(), a.window(), a.evidence(),
                a.displayName(), a.description(), new Alert.IncidentRef(incidentId, a.incident().scoreBreakdown(),
                        a.incident().signals(), a.incident().linkedIdentities(), a.incident().stageTactics()));
    }

    private static Alert alert(String alertId, String ruleId, String ruleName, String severity, int score, List<String> stages,
                               String incidentId, String account, String actor, Instant start, Instant at, List<String> ips,
                               List<String> unknownIps, List<ScoreItem> breakdown, List<Incident.SignalRef> signals,
                               List<String> linked, List<EvidenceEvent> evidenceEvents) {
        String arn = "arn:aws:iam::" + account + ":user/" + actor;
        Severity level = Severity.parse(severity);
        return new Alert(alertId, new Alert.RuleRef(ruleId, ruleName, "1", false, List.of()),
                new Alert.Rating(level, level, "test", false), score, stages, new Alert.MitreRef("TA0007", "Discovery", "T1580"),
                new Alert.Actor("AIDA" + actor, arn, account, "AIDA" + actor, actor, null, arn, actor, List.of()),
                new Alert.Window(start, at, 3, at),
                new Alert.Evidence(null, ips, unknownIps, List.of("ListUsers"), List.of(), List.of(), List.of("us-east-1"), List.of(),
                        List.of("non_admin", "unknown_ip"), evidenceEvents.stream().map(EvidenceEvent::eventId).toList(), evidenceEvents,
                        List.of(), Map.of()),
                ruleName + " - " + actor, "test alert",
                new Alert.IncidentRef(incidentId, breakdown, signals, linked, breakdown == null ? null : List.of()));
    }

    public static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
