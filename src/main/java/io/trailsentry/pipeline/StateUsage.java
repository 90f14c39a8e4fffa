package io.trailsentry.pipeline;

/**
 * One part of the state budget as of the last engine step (issue #17, 2).
 *
 * @param state     {@code actors} (learned baselines), {@code incidents} (open), {@code lineage} (created
 *                  identities linked to their creator), {@code event_ids} (remembered for deduplication)
 * @param entries   held now
 * @param capacity  the cap
 * @param evictions entries dropped because the cap was reached (not by their own expiry)
 */
public record StateUsage(String state, long entries, long capacity, long evictions) {
}
