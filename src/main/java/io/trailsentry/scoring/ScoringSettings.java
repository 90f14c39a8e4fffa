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
 * @param maxOpenIncidents open incidents kept at most (part of the state budget); past it the least
 *                        severe, least recently active one is closed first, so incidents above Low go last
 */
public record ScoringSettings(
        Duration horizon,
        Map<Severity, Integer> signalPoints,
        Map<String, Integer> contextPoints,
        int lineagePoints,
        int suspiciousContextsForMedium,
        int maxOpenIncidents) {

    /** A default that fits the default heap with room: a typical open incident holds a few kilobytes. */
    public static final int DEFAULT_MAX_OPEN_INCIDENTS = 20_000;

    public ScoringSettings {
        signalPoints = Map.copyOf(signalPoints);
        contextPoints = Map.copyOf(contextPoints);
        if (maxOpenIncidents < 1) {
            throw new IllegalArgumentException("max open incidents must be at least 1, was " + maxOpenIncidents);
        }
    }

    public ScoringSettings(Duration horizon, Map<Severity, Integer> signalPoints, Map<String, Integer> contextPoints,
                           int lineagePoints, int suspiciousContextsForMedium) {
        this(horizon, signalPoints, contextPoints, lineagePoints, suspiciousContextsForMedium, DEFAULT_MAX_OPEN_INCIDENTS);
    }

    public ScoringSettings withMaxOpenIncidents(int max) {
        return new ScoringSettings(horizon, signalPoints, contextPoints, lineagePoints, suspiciousContextsForMedium, max);
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
