package io.trailsentry.scoring;

import java.time.Duration;

/**
 * The scorer's operator settings ({@code trailsentry.scoring.*}). Everything else that decides an
 * incident's severity and score is detection tuning and lives beside the rules, in
 * {@code scoring.yaml} ({@link io.trailsentry.engine.ScoringLadder}) and {@code stages.yaml}.
 *
 * @param horizon          an incident stays open this long after its last signal (event time)
 * @param maxOpenIncidents open incidents kept at most (part of the state budget); past it the least
 *                         severe, least recently active one is closed first, so incidents above Low go last
 */
public record ScoringSettings(Duration horizon, int maxOpenIncidents) {

    /** A default that fits the default heap with room: a typical open incident holds a few kilobytes. */
    public static final int DEFAULT_MAX_OPEN_INCIDENTS = 20_000;

    public ScoringSettings {
        if (maxOpenIncidents < 1) {
            throw new IllegalArgumentException("max open incidents must be at least 1, was " + maxOpenIncidents);
        }
    }

    public ScoringSettings(Duration horizon) {
        this(horizon, DEFAULT_MAX_OPEN_INCIDENTS);
    }

    public ScoringSettings withMaxOpenIncidents(int max) {
        return new ScoringSettings(horizon, max);
    }

    public static ScoringSettings defaults() {
        return new ScoringSettings(Duration.ofHours(24));
    }
}
