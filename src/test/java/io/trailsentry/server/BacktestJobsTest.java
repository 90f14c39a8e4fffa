package io.trailsentry.server;

import io.trailsentry.backtest.Backtest;
import io.trailsentry.backtest.BacktestDiff;
import io.trailsentry.backtest.BacktestReport;
import io.trailsentry.backtest.RuleChanges;
import io.trailsentry.engine.RuleError;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.server.BacktestJobStatus.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job runner without a server: one job at a time (a second submission is refused while one
 * runs), a cancel stops a running job at its next event, time and rule refusals end a job as failed
 * with what to do, and a finished job keeps its result. The work is a stand-in the test drives.
 */
class BacktestJobsTest {

    static final RuleChanges CHANGE = RuleChanges.of(Map.of("a.epl", "text"));
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Replays events until told to finish, so the test decides when the job is mid-way. */
    static final class Driven implements BacktestJobs.Work {
        final CountDownLatch replaying = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);

        @Override
        public Optional<String> unavailable() {
            return Optional.empty();
        }

        @Override
        public BacktestReport run(BacktestJob job) throws Exception {
            job.compiling(Backtest.RuleSet.BASELINE);
            while (!finish.await(1, TimeUnit.MILLISECONDS)) {
                job.replaying(Backtest.RuleSet.BASELINE);
                replaying.countDown();
            }
            return report();
        }
    }

    BacktestJobs jobs;

    @AfterEach
    void stop() {
        if (jobs != null) {
            jobs.stop();
        }
    }

    @Test
    void oneJobRunsAtATimeAndACancelStopsItAtItsNextEvent() throws Exception {
        Driven work = new Driven();
        jobs = new BacktestJobs(work, 1000, Duration.ofMinutes(1), Clock.systemUTC());
        BacktestJobStatus first = jobs.submit(CHANGE, null, null, null);
        assertThat(work.replaying.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(jobs.status(first.id()).orElseThrow().state()).isEqualTo(State.RUNNING);
        assertThat(jobs.status(first.id()).orElseThrow().eventsRead()).isPositive();

        assertThatThrownBy(() -> jobs.submit(CHANGE, null, null, null)).isInstanceOf(BacktestJobs.Busy.class)
                .hasMessageContaining(first.id()).hasMessageContaining("DELETE");

        assertThat(jobs.cancel(first.id()).orElseThrow().cancelRequested()).isTrue();
        BacktestJobStatus cancelled = await(first.id(), s -> s.state().finished());
        assertThat(cancelled.state()).isEqualTo(State.CANCELLED);
        assertThat(cancelled.result()).isNull();
        assertThat(cancelled.phase()).isNull();

        Driven next = new Driven();
        next.finish.countDown();
        jobs.stop();
        jobs = new BacktestJobs(next, 1000, Duration.ofMinutes(1), Clock.systemUTC());
        BacktestJobStatus second = jobs.submit(CHANGE, null, null, 0);
        BacktestJobStatus done = await(second.id(), s -> s.state().finished());
        assertThat(done.state()).isEqualTo(State.DONE);
        assertThat(done.result().newAlerts()).isEqualTo(1);
        assertThat(done.exceedsMaxNewAlerts()).isTrue();
        assertThat(jobs.cancel(second.id()).orElseThrow().state()).as("a finished job stays as it is").isEqualTo(State.DONE);
        assertThat(jobs.status("no-such-job")).isEmpty();
    }

    @Test
    void aJobOverItsTimeFailsAndSaysWhatToDo() throws Exception {
        Driven work = new Driven();
        jobs = new BacktestJobs(work, 1000, Duration.ZERO, Clock.systemUTC());
        BacktestJobStatus status = await(jobs.submit(CHANGE, null, null, null).id(), s -> s.state().finished());
        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.error()).contains("trailsentry.backtest.max-duration").contains("narrower window");
    }

    @Test
    void refusedRulesFailTheJobWithTheirErrorsAndTheThreadGoesOn() throws Exception {
        BacktestJobs.Work refusing = new BacktestJobs.Work() {
            @Override
            public Optional<String> unavailable() {
                return Optional.empty();
            }

            @Override
            public BacktestReport run(BacktestJob job) throws Exception {
                job.compiling(Backtest.RuleSet.BASELINE);
                job.compiling(Backtest.RuleSet.CHANGED);
                throw new RuleLoadException(List.of(new RuleError("a.epl", 3, 7, "Incorrect syntax")));
            }
        };
        jobs = new BacktestJobs(refusing, 1000, Duration.ofMinutes(1), Clock.systemUTC());
        BacktestJobStatus failed = await(jobs.submit(CHANGE, null, null, null).id(), s -> s.state().finished());
        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.error()).contains("the changed rules did not load");
        assertThat(failed.ruleErrors()).containsExactly(new RuleError("a.epl", 3, 7, "Incorrect syntax"));
        assertThat(await(jobs.submit(CHANGE, null, null, null).id(), s -> s.state().finished()).state()).isEqualTo(State.FAILED);
    }

    @Test
    void withoutAnArchiveNothingIsQueued() {
        BacktestJobs.Work none = new BacktestJobs.Work() {
            @Override
            public Optional<String> unavailable() {
                return Optional.of("no archive");
            }

            @Override
            public BacktestReport run(BacktestJob job) {
                throw new AssertionError("not run");
            }
        };
        jobs = new BacktestJobs(none, 1000, Duration.ofMinutes(1), Clock.systemUTC());
        assertThatThrownBy(() -> jobs.submit(CHANGE, null, null, null)).isInstanceOf(BacktestJobs.Unavailable.class).hasMessage("no archive");
    }

    private BacktestJobStatus await(String id, Predicate<BacktestJobStatus> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            BacktestJobStatus status = jobs.status(id).orElseThrow();
            if (condition.test(status)) {
                return status;
            }
            assertThat(System.nanoTime() - deadline).as("waited " + WAIT + " for job " + id + ", last seen " + status).isNegative();
            Thread.sleep(10);
        }
    }

    static BacktestReport report() {
        BacktestDiff.Difference added = new BacktestDiff.Difference(BacktestDiff.Kind.NEW, false, "alert-1", "rule-1", "Rule one", "reader",
                java.time.Instant.parse("2026-01-20T02:00:00Z"), null, io.trailsentry.engine.Severity.High, "rule severity High");
        BacktestDiff diff = new BacktestDiff(42, 0, false, 0.1, new BacktestDiff.Totals(1, 0), new BacktestDiff.Totals(1, 0), List.of(added));
        return BacktestReport.of("epl", "epl with a.epl", new Backtest.Request(java.nio.file.Path.of("epl"), java.nio.file.Path.of("x"),
                List.of(), null, null), diff, 0);
    }
}
