package io.trailsentry.scoring;

import io.trailsentry.engine.Severity;

import java.time.Duration;
import java.util.Map;

/**
 * Weights and thresholds of the scorer; every point an incident gets comes from one of these
 * tables, and each table is configuration ({@code trailsentry.scoring.*}), not code.
 *
 * @param horizon         an incident stays open this long after its last signal (event time)
 * @param signalPoints    points for the first hit of each distinct rule, by the rule's severity
 * @param stagePoints     points for each attack stage the incident reaches
 * @param contextPoints   points for each context seen in the incident's evidence (allowlisted is negative)
 * @param lineagePoints   points when an identity the actor created acts (identity lineage)
 * @param suspiciousContextsForMedium discovery-only incidents become Medium with at least this many of
 *                        unknown_ip, off_hours, non_admin
 */
public record ScoringSettings(
        Duration horizon,
        Map<Severity, Integer> signalPoints,
        Map<String, Integer> stagePoints,
        Map<String, Integer> contextPoints,
        int lineagePoints,
        int suspiciousContextsForMedium) {

    public ScoringSettings {
        signalPoints = Map.copyOf(signalPoints);
        stagePoints = Map.copyOf(stagePoints);
        contextPoints = Map.copyOf(contextPoints);
    }

    public static ScoringSettings defaults() {
        return new ScoringSettings(
                Duration.ofHours(24),
                Map.of(Severity.Informational, 1, Severity.Low, 3, Severity.Medium, 5, Severity.High, 10, Severity.Critical, 15),
                Map.ofEntries(
                        Map.entry("discovery", 10), Map.entry("privilege_escalation", 25), Map.entry("persistence", 20),
                        Map.entry("credential_access", 25), Map.entry("exfiltration", 30), Map.entry("collection", 15),
                        Map.entry("defense_evasion", 30), Map.entry("execution", 15), Map.entry("lateral_movement", 20),
                        Map.entry("initial_access", 10), Map.entry("impact", 20)),
                Map.of("unknown_ip", 10, "off_hours", 10, "non_admin", 10, "allowlisted", -30),
                10,
                2);
    }
}
