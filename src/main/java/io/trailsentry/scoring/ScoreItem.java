package io.trailsentry.scoring;

/**
 * One line of an incident's score: where the points come from.
 *
 * @param kind   {@code signal}, {@code stage}, {@code context} or {@code lineage}
 * @param name   the rule name, stage, context or linked identity
 * @param points what it adds (negative for allowlisted)
 */
public record ScoreItem(String kind, String name, int points) {
}
