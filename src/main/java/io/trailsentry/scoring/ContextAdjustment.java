package io.trailsentry.scoring;

import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.engine.Severity;

import java.util.Set;

/**
 * The context half of the severity ladder, one place for signals and incidents alike (the write-up's
 * contextual conditions): an authorised scanner's calls (allowlist) are kept but sent to no one, an
 * administrator working in business hours from a known network is one level less urgent than the
 * same calls from an unknown IP at night.
 */
public final class ContextAdjustment {

    /** Contexts that make activity suspicious: the write-up's unknown IP, off-hours and non-admin principal. */
    public static final Set<String> SUSPICIOUS = Set.of("unknown_ip", "off_hours", "non_admin");

    private ContextAdjustment() {
    }

    /**
     * A signal's severity in its context: Informational and suppressed when every call was an
     * allowlisted principal's or user agent's; one level down (not below Informational) when no call
     * was suspicious; else the rule's. A rule declared {@code allowlist-only} moves for the allowlist only.
     */
    public static AdjustedSeverity signal(Severity base, ContextEvidence context, RuleMetadata.SeverityAdjustment mode) {
        if (context.allowlisted()) {
            return new AdjustedSeverity(Severity.Informational, base,
                    "rule severity " + base + "; allowlisted principal or user agent: Informational, not sent to anyone", true);
        }
        if (mode == RuleMetadata.SeverityAdjustment.ALLOWLIST_ONLY) {
            return new AdjustedSeverity(base, base, "rule severity " + base + " (this rule is adjusted by the allowlist only)", false);
        }
        if (!context.actorEvents()) {
            return new AdjustedSeverity(base, base, "rule severity " + base + "; no actor context", false);
        }
        if (context.suspicious().isEmpty()) {
            Severity lower = Severity.values()[Math.max(0, base.ordinal() - 1)];
            return new AdjustedSeverity(lower, base, "rule severity " + base
                    + "; nothing suspicious (known admin, known network, business hours): one level down to " + lower, false);
        }
        return new AdjustedSeverity(base, base, "rule severity " + base + "; suspicious: " + String.join(", ", context.suspicious()), false);
    }

    /**
     * An incident's severity in its context: two levels down for an allowlisted actor (and
     * suppressed), one level down when nothing suspicious was seen and the incident reached more than
     * discovery-like stages; never below Low unless only low-tier stages were reached or the actor is
     * allowlisted.
     *
     * @param ladder    the stage ladder's severity and why
     * @param onlyLow   only low-tier stages (discovery) were reached
     */
    static AdjustedSeverity incident(Severity ladder, String ladderReason, ContextEvidence context, boolean onlyLow) {
        int level = ladder.ordinal();
        String reason = ladderReason;
        boolean suppressed = false;
        if (context.allowlisted()) {
            level -= 2;
            suppressed = true;
            reason += "; allowlisted actor: two levels down, not sent to anyone";
        } else if (context.suspicious().isEmpty() && !onlyLow) {
            level -= 1;
            reason += "; nothing suspicious (known admin, known network, business hours): one level down";
        } else if (!context.suspicious().isEmpty()) {
            reason += "; suspicious: " + String.join(", ", context.suspicious());
        }
        Severity severity = Severity.values()[Math.max(level, onlyLow || suppressed ? 0 : 1)];
        if (severity != ladder) {
            reason += " → " + severity;
        }
        return new AdjustedSeverity(severity, ladder, reason, suppressed);
    }
}
