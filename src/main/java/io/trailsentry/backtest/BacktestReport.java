package io.trailsentry.backtest;

import java.time.Instant;
import java.util.List;

/**
 * A backtest's diff as tools read it: what {@code rules backtest --json} prints and what
 * {@code GET /rules/backtest/{id}} answers once a job is done, one shape for both so a CI script can
 * move from the command to the API without changing its parser.
 *
 * @param baselineRules the deployed rules (a folder, or how the server names its copy)
 * @param changedRules  the changed rules (a folder, or the files submitted over the deployed ones)
 * @param from          events before this were skipped; null for no bound
 * @param to            events at or after this were skipped; null for no bound
 * @param events        events each set replayed
 * @param rejected      records that could not be read
 * @param capped        the event cap stopped both sets early: the diff covers the first {@code events} events
 * @param seconds       wall-clock time of both runs, compiling included
 * @param baseline      alerts and incidents for analysts the deployed rules raised
 * @param changed       alerts and incidents for analysts the changed rules raised
 * @param newAlerts     alerts and incidents only the changed rules raised: what {@code maxNewAlerts} bounds
 * @param maxNewAlerts  the gate the caller set, null for none
 * @param groups        differences by kind, rule and actor, with counts per UTC day
 * @param differences   every difference, in time order
 */
public record BacktestReport(String baselineRules, String changedRules, Instant from, Instant to, long events, long rejected,
                             boolean capped, double seconds, BacktestDiff.Totals baseline, BacktestDiff.Totals changed, long newAlerts,
                             Integer maxNewAlerts, List<BacktestDiff.Group> groups, List<BacktestDiff.Difference> differences) {

    public BacktestReport {
        groups = List.copyOf(groups);
        differences = List.copyOf(differences);
    }

    public static BacktestReport of(String baselineRules, String changedRules, Backtest.Request request, BacktestDiff diff, Integer maxNewAlerts) {
        return new BacktestReport(baselineRules, changedRules, request.from(), request.to(), diff.events(), diff.rejected(), diff.capped(),
                diff.seconds(), diff.baseline(), diff.changed(), diff.newAlerts(), maxNewAlerts, diff.groups(), diff.differences());
    }

    /** True when the changed rules raise more new alerts and incidents than the caller allowed (the CI gate). */
    public boolean exceedsMaxNewAlerts() {
        return maxNewAlerts != null && newAlerts > maxNewAlerts;
    }
}
