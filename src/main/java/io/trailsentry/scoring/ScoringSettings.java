package io.trailsentry.scoring;

import java.time.Duration;

/**
 * The scorer's operator setting ({@code trailsentry.scoring.horizon}). Everything else that decides
 * an incident's severity and score is detection tuning and lives beside the rules, in
 * {@code scoring.yaml} ({@link io.trailsentry.engine.ScoringLadder}) and {@code stages.yaml}.
 *
 * @param horizon an incident stays open this long after its last signal (event time)
 */
public record ScoringSettings(Duration horizon) {

    public static ScoringSettings defaults() {
        return new ScoringSettings(Duration.ofHours(24));
    }
}
