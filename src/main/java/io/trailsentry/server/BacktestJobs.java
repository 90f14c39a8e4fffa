package io.trailsentry.server;

import io.trailsentry.backtest.Backtest;
import io.trailsentry.backtest.BacktestReport;
import io.trailsentry.backtest.RuleChanges;
import io.trailsentry.config.BacktestConfig;
import io.trailsentry.engine.RuleLoadException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The server's backtest jobs ({@code POST /rules/backtest}): one at a time, on one daemon thread of
 * low priority, beside live detection and never in its way — each job builds its own pipelines and
 * Esper runtimes ({@link Backtest#onCallingThread}), reads the archive's closed files, and takes
 * neither the live engine's lock nor more than one core.
 *
 * <p>A submission while a job is queued or running is refused ({@link Busy}, 409) rather than queued:
 * a queue of rule-set compilations would hold CPU and memory nobody is watching, and the caller who
 * gets the running job's id can wait for it or cancel it. The last {@link #KEPT} finished jobs are
 * kept for their results; jobs live in memory only, a restart forgets them.
 */
@ApplicationScoped
public class BacktestJobs {

    private static final Logger LOG = Logger.getLogger(BacktestJobs.class);
    static final int KEPT = 20;

    /** How a job runs; the server's is {@link ArchiveBacktest}, tests use one they control. */
    interface Work {
        /** Why no backtest can run now, empty when one can. */
        Optional<String> unavailable();

        /** Runs the job on the calling thread (the job thread), reporting to and stopped by {@code job}. */
        BacktestReport run(BacktestJob job) throws Exception;
    }

    /** A job is queued or running: the caller waits for it or cancels it. */
    public static final class Busy extends Exception {
        private final String runningId;

        Busy(String runningId) {
            super("backtest " + runningId + " is running; one runs at a time: wait for it (GET /rules/backtest/" + runningId
                    + ") or cancel it (DELETE), then submit again", null, false, false);
            this.runningId = runningId;
        }

        public String runningId() {
            return runningId;
        }
    }

    /** No backtest can run on this server (no archive). */
    public static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why, null, false, false);
        }
    }

    private final Work work;
    private final long maxEvents;
    private final Duration maxDuration;
    private final Clock clock;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trailsentry-backtest-job");
        t.setDaemon(true);
        // A hint: most Linux JVMs ignore thread priorities. What keeps live detection unhurt is that a
        // job uses this one thread, runs alone, and is bounded in events and time.
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    /** Guarded by this: every job kept, oldest first, and the one queued or running. */
    private final Map<String, BacktestJob> jobs = new LinkedHashMap<>();
    private BacktestJob current;

    @Inject
    BacktestJobs(ArchiveBacktest work, BacktestConfig limits) {
        this(work, limits.maxEvents(), limits.maxDuration(), Clock.systemUTC());
    }

    BacktestJobs(Work work, long maxEvents, Duration maxDuration, Clock clock) {
        this.work = work;
        this.maxEvents = maxEvents;
        this.maxDuration = maxDuration;
        this.clock = clock;
    }

    /**
     * Queues a job; it starts at once, the job thread being free.
     *
     * @throws Busy        when another job is queued or running
     * @throws Unavailable when this server cannot backtest (no archive)
     */
    public synchronized BacktestJobStatus submit(RuleChanges changes, Instant from, Instant to, Integer maxNewAlerts) throws Busy, Unavailable {
        Optional<String> unavailable = work.unavailable();
        if (unavailable.isPresent()) {
            throw new Unavailable(unavailable.get());
        }
        if (current != null) {
            throw new Busy(current.id);
        }
        BacktestJob job = new BacktestJob(UUID.randomUUID().toString(), changes, from, to, maxNewAlerts, maxEvents, maxDuration, clock.instant());
        current = job;
        keep(job);
        thread.execute(() -> execute(job));
        return job.status();
    }

    public synchronized Optional<BacktestJobStatus> status(String id) {
        return Optional.ofNullable(jobs.get(id)).map(BacktestJob::status);
    }

    /** Cancels a queued or running job (a running one stops at its next event or step); a finished one is left as it is. */
    public synchronized Optional<BacktestJobStatus> cancel(String id) {
        BacktestJob job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        job.cancel(clock.instant());
        if (job == current && job.finished()) {
            current = null; // it was still queued: the thread is free now
        }
        return Optional.of(job.status());
    }

    /** At shutdown, if a job was ever submitted: the running one stops at its next event; the thread is not waited for (a daemon). */
    @PreDestroy
    void stop() {
        synchronized (this) {
            if (current != null) {
                current.cancel(clock.instant());
            }
        }
        thread.shutdown();
    }

    private void execute(BacktestJob job) {
        if (!job.start(clock.instant(), System.nanoTime())) {
            return; // cancelled while it waited
        }
        Consumer<Instant> end;
        try {
            BacktestReport report = work.run(job);
            end = now -> job.done(report, now);
        } catch (BacktestJob.Stopped stopped) {
            end = stopped.cancelled ? job::cancelled : now -> job.failed(stopped.getMessage(), List.of(), now);
        } catch (RuleLoadException refused) {
            String why = job.lastCompiled() == Backtest.RuleSet.CHANGED
                    ? "the changed rules did not load: fix the errors (ruleErrors) and submit again"
                    : "the deployed rules folder did not load as it is on disk now: fix it (ruleErrors), then backtest";
            end = now -> job.failed(why, refused.errors(), now);
        } catch (Exception | StackOverflowError e) {
            LOG.warnf(e, "backtest %s failed", job.id);
            String why = e instanceof StackOverflowError ? "a rule is nested too deeply to compile; simplify its expressions"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            end = now -> job.failed(why, List.of(), now);
        } catch (Error fatal) {
            ended(job, now -> job.failed("the backtest stopped: " + fatal + "; see the server log", List.of(), now));
            throw fatal;
        }
        ended(job, end);
    }

    /** The job's end and the thread's release in one step: whoever sees the job finished may submit the next one. */
    private synchronized void ended(BacktestJob job, Consumer<Instant> end) {
        end.accept(clock.instant());
        if (current == job) {
            current = null;
        }
    }

    /** Keeps the job, forgetting the oldest finished ones beyond {@link #KEPT}. */
    private void keep(BacktestJob job) {
        jobs.put(job.id, job);
        List<String> finished = new ArrayList<>();
        jobs.forEach((id, j) -> {
            if (j.finished()) {
                finished.add(id);
            }
        });
        for (int i = 0; i < finished.size() - KEPT; i++) {
            jobs.remove(finished.get(i));
        }
    }
}
