package io.trailsentry.engine.sigma;

/** One YAML document of a Sigma file: a detection rule or a correlation rule. */
sealed interface SigmaDocument permits SigmaRule, SigmaCorrelation {

    /** The file, relative to the rules folder. */
    String file();

    /** 0-based position of the document in its file. */
    int index();

    SigmaHeader header();

    /** True when {@code reference} (from a correlation's {@code rules:}) names this document. */
    default boolean answersTo(String reference) {
        return reference.equals(header().id()) || reference.equals(header().name());
    }
}
