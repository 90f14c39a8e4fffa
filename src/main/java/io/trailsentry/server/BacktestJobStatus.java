package io.trailsentry.server;

import com.fasterxml.jackson.annotation.JsonValue;
import io.trailsentry.backtest.BacktestReport;
import io.trailsentry.engine.RuleError;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Where a backtest job is, as {@code GET /rules/backtest/{id}} answers it.
 *
 * @param id                  the job's id
 * @param state               queued, running, done, failed or cancelled
 * @param phase               what a running job is doing (compiling or replaying which set); null once it ended
 * @param files               the changed files, by name
 * @param from                events before this are skipped; null for the archive's start
 * @param to                  events at or after this are skipped; null for its end
 * @param maxNewAlerts        the gate set at submission, null for none
 * @param eventsRead          events replayed so far, both sets together (a finished job: twice the window's events)
 * @param maxEvents           events each set replays at most ({@code trailsentry.backtest.max-events})
 * @param maxSeconds          wall-clock seconds the job may take ({@code trailsentry.backtest.max-duration})
 * @param cancelRequested     a cancel was asked for; a running job stops at its next event or step
 * @param submittedAt         when it was submitted
 * @param startedAt           when it started running, null while queued
 * @param finishedAt          when it ended, null until then
 * @param error               why it failed, and what to do; null unless failed
 * @param ruleErrors          a refused rule set's errors with file, line and column (files as named in the rules folder)
 * @param exceedsMaxNewAlerts once done with a gate: whether the changed rules raise more new alerts than {@code maxNewAlerts}
 * @param result              once done: the diff, the same JSON as {@code rules backtest --json}
 */
public record BacktestJobStatus(String id, State state, String phase, List<String> files, Instant from, Instant to, Integer maxNewAlerts,
                                long eventsRead, long maxEvents, long maxSeconds, boolean cancelRequested, Instant submittedAt,
                                Instant startedAt, Instant finishedAt, String error, List<RuleError> ruleErrors, Boolean exceedsMaxNewAlerts,
                                BacktestReport result) {

    public enum State {
        QUEUED, RUNNING, DONE, FAILED, CANCELLED;

        /** The name in JSON. */
        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean finished() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }
}
