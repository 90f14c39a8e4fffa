package io.trailsentry.scoring;

import io.trailsentry.engine.RuleHit;

/**
 * A rule hit with its context worked out once: what the evidence's context was and the severity the
 * hit has in it. The scorer and the alert factory both read it, so a signal's severity is decided in
 * one place.
 */
public record Signal(RuleHit hit, ContextEvidence context, AdjustedSeverity severity) {

    public static Signal of(RuleHit hit) {
        ContextEvidence context = ContextEvidence.of(hit.events());
        return new Signal(hit, context, ContextAdjustment.signal(hit.rule().severity(), context, hit.rule().severityAdjustment()));
    }

    public boolean buildingBlock() {
        return hit.rule().buildingBlock();
    }
}
