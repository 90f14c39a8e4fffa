package io.trailsentry.pipeline;

import io.trailsentry.engine.RuleError;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of the last rule reload, for {@code GET /rules} and the logs.
 *
 * @param ok         the new rule set is live; when false the previous one still runs
 * @param errors     why it was refused: file, line, column, message
 * @param added      files deployed for the first time
 * @param redeployed files redeployed because they or a file they depend on changed
 * @param removed    files undeployed because they were deleted
 * @param successes  reloads that went live since start
 * @param failures   reloads refused since start
 * @param refused    Sigma rules left out of a reload that went live (each refused on its own: file,
 *                   line, construct, reason); the other rules run
 */
public record ReloadStatus(Instant at, boolean ok, List<RuleError> errors, List<String> added, List<String> redeployed,
                           List<String> removed, long successes, long failures, List<RuleError> refused) {

    public ReloadStatus(Instant at, boolean ok, List<RuleError> errors, List<String> added, List<String> redeployed,
                        List<String> removed, long successes, long failures) {
        this(at, ok, errors, added, redeployed, removed, successes, failures, List.of());
    }

    public ReloadStatus {
        refused = List.copyOf(refused);
        errors = List.copyOf(errors);
        added = List.copyOf(added);
        redeployed = List.copyOf(redeployed);
        removed = List.copyOf(removed);
    }
}
