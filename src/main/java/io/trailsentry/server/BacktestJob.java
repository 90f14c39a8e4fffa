package io.trailsentry.server;

import io.trailsentry.backtest.Backtest;
import io.trailsentry.backtest.BacktestReport;
import io.trailsentry.backtest.RuleChanges;
import io.trailsentry.engine.RuleError;
import io.trailsentry.server.BacktestJobStatus.State;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backtest the server runs: what was asked, where it is, how it ended. The job thread moves it
 * forward and, as the backtest's {@link Backtest.Monitor}, counts its events and stops it when a cancel
 * was asked for or its time is up; request threads read it and ask for the cancel. State changes are
 * synchronized so a cancel and the job's own end cannot cross.
 */
final class BacktestJob implements Backtest.Monitor {

    /**
     * Thrown on the job thread to end the backtest at an event or between steps: cancelled, or failed
     * for a reason the caller can act on (time is up, no event in the window), told in the message.
     */
    static final class Stopped extends RuntimeException {
        final boolean cancelled;

        Stopped(boolean cancelled, String message) {
            super(message, null, false, false);
            this.cancelled = cancelled;
        }
    }

    final String id;
    final RuleChanges changes;
    final Instant from;
    final Instant to;
    final Integer maxNewAlerts;
    final long maxEvents;
    private final Duration maxDuration;
    private final Instant submittedAt;

    private final AtomicLong eventsRead = new AtomicLong();
    private volatile State state = State.QUEUED;
    private volatile String phase = "queued";
    private volatile Backtest.RuleSet compiling;
    private volatile Backtest.RuleSet replaying;
    private volatile boolean cancelRequested;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile long deadlineNanos;
    private volatile String error;
    private volatile List<RuleError> ruleErrors = List.of();
    private volatile BacktestReport result;

    BacktestJob(String id, RuleChanges changes, Instant from, Instant to, Integer maxNewAlerts, long maxEvents, Duration maxDuration,
                Instant submittedAt) {
        this.id = id;
        this.changes = changes;
        this.from = from;
        this.to = to;
        this.maxNewAlerts = maxNewAlerts;
        this.maxEvents = maxEvents;
        this.maxDuration = maxDuration;
        this.submittedAt = submittedAt;
    }

    // ---------------------------------------------------------------- the job thread

    /** Queued → running; false when it was cancelled while it waited. */
    synchronized boolean start(Instant now, long nowNanos) {
        if (state != State.QUEUED) {
            return false;
        }
        state = State.RUNNING;
        startedAt = now;
        deadlineNanos = nowNanos + maxDuration.toNanos();
        return true;
    }

    /** What the job is doing now; also a point where it stops if asked to. */
    void phase(String now) {
        phase = now;
        checkpoint();
    }

    @Override
    public void compiling(Backtest.RuleSet set) {
        compiling = set;
        phase(set == Backtest.RuleSet.BASELINE ? "compiling the deployed rules" : "compiling the changed rules");
    }

    @Override
    public void replaying(Backtest.RuleSet set) {
        if (replaying != set) {
            replaying = set;
            phase = set == Backtest.RuleSet.BASELINE ? "replaying the archive through the deployed rules"
                    : "replaying the archive through the changed rules";
        }
        eventsRead.incrementAndGet();
        checkpoint();
    }

    /** The set compiled last: the one a refusal came from. */
    Backtest.RuleSet lastCompiled() {
        return compiling;
    }

    private void checkpoint() {
        if (cancelRequested) {
            throw new Stopped(true, "cancelled");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new Stopped(false, "the backtest took longer than " + maxDuration + " (trailsentry.backtest.max-duration) and was stopped; "
                    + "backtest a narrower window (from/to) or raise the limit");
        }
    }

    synchronized void done(BacktestReport report, Instant now) {
        result = report;
        end(State.DONE, now);
    }

    synchronized void failed(String why, List<RuleError> errors, Instant now) {
        error = why;
        ruleErrors = List.copyOf(errors);
        end(State.FAILED, now);
    }

    synchronized void cancelled(Instant now) {
        end(State.CANCELLED, now);
    }

    private void end(State end, Instant now) {
        state = end;
        phase = null;
        finishedAt = now;
    }

    // ---------------------------------------------------------------- request threads

    /** A queued job is cancelled at once; a running one stops at its next event or step. */
    synchronized void cancel(Instant now) {
        if (state == State.QUEUED) {
            cancelRequested = true;
            end(State.CANCELLED, now);
        } else if (state == State.RUNNING) {
            cancelRequested = true;
        }
    }

    boolean finished() {
        return state.finished();
    }

    synchronized BacktestJobStatus status() {
        BacktestReport r = result;
        return new BacktestJobStatus(id, state, phase, changes.names(), from, to, maxNewAlerts, eventsRead.get(), maxEvents,
                maxDuration.toSeconds(), cancelRequested, submittedAt, startedAt, finishedAt, error, ruleErrors,
                r == null || maxNewAlerts == null ? null : r.exceedsMaxNewAlerts(), r);
    }
}
