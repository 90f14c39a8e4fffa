package io.trailsentry.engine;

/**
 * A rule's evaluation went over its budget (a regular expression that backtracks without end on one
 * value): the rule is disabled, with this as the reason, and the engine goes on (issue #17, 7).
 */
public final class RuleBudgetExceededException extends RuntimeException {

    RuleBudgetExceededException(String message) {
        super(message, null, false, false);
    }
}
