package io.trailsentry.scoring;

import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.ScoringLadder;

/**
 * A rule hit with its context worked out once: what the evidence's context was and the severity the
 * hit has in it. The scorer and the alert factory both read it, so a signal's severity is decided in
 * one place.
 */
public record Signal(RuleHit hit, ContextEvidence context, AdjustedSeverity severity) {

    /** @param ladder the escalation ladder of the rules that produced the hit ({@code scoring.yaml}) */
    public static Signal of(RuleHit hit, ScoringLadder ladder) {
        ContextEvidence context = ContextEvidence.of(hit.events(), ladder);
        return new Signal(hit, context, ContextAdjustment.signal(hit.rule().severity(), context, hit.rule().severityAdjustment(), ladder));
    }

    public boolean buildingBlock() {
        return hit.rule().buildingBlock();
    }
}
