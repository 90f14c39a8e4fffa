package io.trailsentry.scoring;

import io.trailsentry.context.StageCatalog;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.engine.ScoringLadder;
import io.trailsentry.engine.Severity;

import java.util.Set;

/**
 * The context half of the severity ladder, one place for signals and incidents alike (the write-up's
 * contextual conditions): an authorised scanner's calls (allowlist) are kept but sent to no one, an
 * administrator working in business hours from a known network is less urgent than the same calls
 * from an unknown IP at night. How far each moves is data: the {@code signal} and {@code incident}
 * moves of {@code scoring.yaml} ({@link ScoringLadder}).
 */
public final class ContextAdjustment {

    private ContextAdjustment() {
    }

    /**
     * A signal's severity in its context: the ladder's allowlisted move (and suppressed) when every
     * call was an allowlisted principal's or user agent's; its nothing-suspicious move when no call
     * was suspicious; else the rule's. A rule declared {@code allowlist-only} moves for the allowlist only.
     */
    public static AdjustedSeverity signal(Severity base, ContextEvidence context, RuleMetadata.SeverityAdjustment mode,
                                          ScoringLadder ladder) {
        ScoringLadder.ContextMoves moves = ladder.signal();
        if (context.allowlisted()) {
            Severity moved = moves.allowlisted().apply(base);
            return new AdjustedSeverity(moved, base,
                    "rule severity " + base + "; allowlisted principal or user agent: " + moved + ", not sent to anyone", true);
        }
        if (mode == RuleMetadata.SeverityAdjustment.ALLOWLIST_ONLY) {
            return new AdjustedSeverity(base, base, "rule severity " + base + " (this rule is adjusted by the allowlist only)", false);
        }
        if (!context.actorEvents()) {
            return new AdjustedSeverity(base, base, "rule severity " + base + "; no actor context", false);
        }
        if (context.suspicious().isEmpty()) {
            Severity moved = moves.nothingSuspicious().apply(base);
            return new AdjustedSeverity(moved, base, "rule severity " + base
                    + "; nothing suspicious (known admin, known network, business hours): "
                    + moves.nothingSuspicious().describe() + " to " + moved, false);
        }
        return new AdjustedSeverity(base, base, "rule severity " + base + "; suspicious: " + String.join(", ", context.suspicious()), false);
    }

    /**
     * An incident's severity in its context: the ladder's allowlisted move for an allowlisted actor
     * (and suppressed); its nothing-suspicious move when nothing suspicious was seen, unless the
     * incident reached only the tiers that move exempts (discovery alone).
     *
     * @param rung   the ladder's severity for the stages reached
     * @param tiers  the tiers of the stages reached
     */
    static AdjustedSeverity incident(Severity rung, String rungReason, ContextEvidence context, Set<StageCatalog.Tier> tiers,
                                     ScoringLadder ladder) {
        ScoringLadder.ContextMoves moves = ladder.incident();
        Severity severity = rung;
        String reason = rungReason;
        boolean suppressed = false;
        if (context.allowlisted()) {
            severity = moves.allowlisted().apply(rung);
            suppressed = true;
            reason += "; allowlisted actor: " + moves.allowlisted().describe() + ", not sent to anyone";
        } else if (context.suspicious().isEmpty() && moves.nothingSuspicious().appliesTo(tiers)) {
            severity = moves.nothingSuspicious().apply(rung);
            reason += "; nothing suspicious (known admin, known network, business hours): " + moves.nothingSuspicious().describe();
        } else if (!context.suspicious().isEmpty()) {
            reason += "; suspicious: " + String.join(", ", context.suspicious());
        }
        if (severity != rung) {
            reason += " → " + severity;
        }
        return new AdjustedSeverity(severity, rung, reason, suppressed);
    }
}
