package io.trailsentry.engine;

/**
 * One part of the rules' state budget as of the last check: what it holds, its cap, what was evicted
 * since start because the cap was reached.
 */
public record RuleStateUse(long entries, long capacity, long evictions) {
}
