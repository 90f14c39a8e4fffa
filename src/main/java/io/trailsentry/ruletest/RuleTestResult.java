package io.trailsentry.ruletest;

import java.nio.file.Path;

/**
 * The outcome of one case.
 *
 * @param detail on failure, what differed (expected vs actual); on success, a short summary
 */
public record RuleTestResult(Path file, String caseName, boolean passed, String detail) {
}
