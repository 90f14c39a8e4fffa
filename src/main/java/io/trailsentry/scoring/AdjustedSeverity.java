package io.trailsentry.scoring;

import io.trailsentry.engine.Severity;

/**
 * A severity as context made it, with what it started from and why it moved.
 *
 * @param severity   what the alert or incident is
 * @param base       the rule's severity (a signal) or the stage ladder's (an incident), before context
 * @param reason     one sentence an analyst reads: the base and each adjustment
 * @param suppressed the allowlist applied: kept and scored, never sent to a person
 */
public record AdjustedSeverity(Severity severity, Severity base, String reason, boolean suppressed) {
}
