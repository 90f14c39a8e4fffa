package io.trailsentry.engine.sigma;

/** A Sigma detection rule: which single CloudTrail events it matches. */
record SigmaRule(String file, int index, SigmaHeader header, Detection detection) implements SigmaDocument {
}
