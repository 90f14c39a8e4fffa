package io.trailsentry.scoring;

import io.trailsentry.engine.Severity;

import java.time.Duration;
import java.util.Map;

/**
 * Weights and thresholds of the scorer; every point an incident gets comes from one of these
 * tables (configuration, {@code trailsentry.scoring.*}) or from its stages' points ({@code stages.yaml}).
 *
 * @param horizon         an incident stays open this long after its last signal (event time)
 * @param signalPoints    points for the first hit of each distinct rule, by the rule's severity
 * @param contextPoints   points for each context seen in the incident's evidence (allowlisted is negative)
 * @param lineagePoints   points when an identity the actor created acts (identity lineage)
 * @param suspiciousContextsForMedium discovery-only incidents become Medium with at least this many of
 *                        unknown_ip, off_hours, non_admin
 */
public record ScoringSettings(
        Duration horizon,
        Map<Severity, Integer> signalPoints,
        Map<String, Integer> contextPoints,
        int lineagePoints,
        int suspiciousContextsForMedium) {

    public ScoringSettings {
        signalPoints = Map.copyOf(signalPoints);
        contextPoints = Map.copyOf(contextPoints);
    }

    public static ScoringSettings defaults() {
        return new ScoringSettings(
                Duration.ofHours(24),
                Map.of(Severity.Informational, 1, Severity.Low, 3, Severity.Medium, 5, Severity.High, 10, Severity.Critical, 15),
                Map.of("unknown_ip", 10, "off_hours", 10, "non_admin", 10, "allowlisted", -30),
                10,
                2);
    }
}
