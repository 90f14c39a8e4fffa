package io.trailsentry.backtest;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.DeadLetterSink;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.PipelinedReplay;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Replays the same input through two rule sets, the baseline (what is deployed) and the changed one,
 * each in a pipeline of its own built like a replay's (empty learned baselines, pure event time), and
 * diffs what they raised ({@link BacktestDiff}). The two runs share nothing, so they run side by side
 * on a machine with the cores for it; each alone is a replay, so the same input always gives the
 * same diff.
 *
 * <p>Two ways to run: {@link #Backtest(PipelineFactory) side by side} (the command: both sets at once,
 * each replay on two threads, as fast as the machine goes) and {@link #onCallingThread} (the server:
 * one set after the other on the caller's thread alone, so a backtest never takes more than one core
 * from live detection).
 */
public final class Backtest {

    /** Builds a replay pipeline over one rules folder, alerts going to {@code sink}. */
    @FunctionalInterface
    public interface PipelineFactory {
        DetectionPipeline create(Path rulesDir, AlertSink sink, DeadLetterSink deadLetters) throws RuleLoadException, java.io.IOException;
    }

    /** Which of the two rule sets a run replays. */
    public enum RuleSet { BASELINE, CHANGED }

    /**
     * Watches a backtest as it goes, on the thread doing the work: the server counts progress and stops
     * a job through it (a runtime exception thrown here ends the backtest and leaves {@link #run}).
     */
    public interface Monitor {

        Monitor NONE = new Monitor() {
        };

        /** Before a set's pipeline is built: compiling is the slow step and cannot be stopped midway, so stop before it. */
        default void compiling(RuleSet set) {
        }

        /** Before each event of the window is replayed by {@code set}. */
        default void replaying(RuleSet set) {
        }
    }

    /**
     * @param baseline  the deployed rules folder
     * @param changed   the changed rules folder
     * @param inputs    CloudTrail files and folders (the archive is one)
     * @param from      events before this are skipped; null for no bound
     * @param to        events at or after this are skipped; null for no bound
     * @param maxEvents each set replays at most this many events of the window, the same first ones (in
     *                  read order), so a capped diff is still a fair one; {@link Long#MAX_VALUE} for no cap
     */
    public record Request(Path baseline, Path changed, List<Path> inputs, Instant from, Instant to, long maxEvents) {

        public Request {
            inputs = List.copyOf(inputs);
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("--from " + from + " is not before --to " + to);
            }
            if (maxEvents < 1) {
                throw new IllegalArgumentException("the event cap must be at least 1, got " + maxEvents);
            }
        }

        /** Without an event cap. */
        public Request(Path baseline, Path changed, List<Path> inputs, Instant from, Instant to) {
            this(baseline, changed, inputs, from, to, Long.MAX_VALUE);
        }

        boolean covers(CloudTrailEvent e) {
            long t = e.getEventTimeMillis();
            return (from == null || t >= from.toEpochMilli()) && (to == null || t < to.toEpochMilli());
        }
    }

    /**
     * A bound of the window as people write it: an ISO instant, or a date meaning its UTC start.
     *
     * @param what how the caller names the bound in the error ({@code --from}, {@code from})
     * @return null for null text
     * @throws IllegalArgumentException with an example of each accepted form
     */
    public static Instant timeBound(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be an ISO time (2026-01-20T09:00:00Z) or a date (2026-01-20), got '" + text + "'");
        }
    }

    /** What one rule set raised over the input; {@code capped} when the event cap stopped it before the input's end. */
    record Run(List<Alert> alerts, long events, long rejected, boolean capped) {
    }

    /** Thrown at the first event past the cap: reading stops there. */
    private static final class CapReached extends RuntimeException {
        CapReached() {
            super("event cap reached", null, false, false);
        }
    }

    private final PipelineFactory factory;
    private final boolean sideBySide;
    private final Monitor monitor;

    /** Both sets at once (when there are two cores), each replayed on two threads. */
    public Backtest(PipelineFactory factory) {
        this(factory, true, Monitor.NONE);
    }

    private Backtest(PipelineFactory factory, boolean sideBySide, Monitor monitor) {
        this.factory = factory;
        this.sideBySide = sideBySide;
        this.monitor = monitor;
    }

    /** One set after the other, each read and evaluated on the calling thread, watched by {@code monitor}. */
    public static Backtest onCallingThread(PipelineFactory factory, Monitor monitor) {
        return new Backtest(factory, false, monitor);
    }

    /**
     * Runs both sets and diffs them.
     *
     * @throws RuleLoadException when either set is refused (its errors name the folder's files)
     */
    public BacktestDiff run(Request request) throws RuleLoadException, java.io.IOException {
        long started = System.nanoTime();
        Run baseline;
        Run changed;
        if (!sideBySide || Runtime.getRuntime().availableProcessors() < 2) {
            baseline = replay(RuleSet.BASELINE, request);
            changed = replay(RuleSet.CHANGED, request);
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "trailsentry-backtest");
                t.setDaemon(true);
                return t;
            });
            try {
                Future<Run> before = pool.submit(() -> replay(RuleSet.BASELINE, request));
                Future<Run> after = pool.submit(() -> replay(RuleSet.CHANGED, request));
                baseline = get(before);
                changed = get(after);
            } finally {
                pool.shutdownNow();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return BacktestDiff.of(baseline.alerts(), changed.alerts(), baseline.events(), baseline.rejected(), seconds,
                baseline.capped() || changed.capped());
    }

    private Run replay(RuleSet set, Request request) throws RuleLoadException, java.io.IOException {
        List<Alert> alerts = new ArrayList<>();
        AtomicLong rejected = new AtomicLong();
        AtomicLong events = new AtomicLong();
        Predicate<CloudTrailEvent> covered = e -> {
            if (!request.covers(e)) {
                return false;
            }
            if (events.get() == request.maxEvents()) {
                throw new CapReached();
            }
            monitor.replaying(set);
            events.incrementAndGet();
            return true;
        };
        monitor.compiling(set);
        Path rulesDir = set == RuleSet.BASELINE ? request.baseline() : request.changed();
        boolean capped = false;
        try (DetectionPipeline pipeline = factory.create(rulesDir, alerts::add, d -> rejected.incrementAndGet())) {
            if (sideBySide) {
                try (PipelinedReplay replay = new PipelinedReplay(pipeline)) {
                    capped = read(request, input -> replay.ingest(input, covered));
                    replay.finish();
                }
            } else {
                List<CloudTrailEvent> batch = new ArrayList<>();
                capped = read(request, input -> pipeline.ingest(input, e -> {
                    if (covered.test(e)) {
                        batch.add(e);
                        if (batch.size() == BATCH) {
                            pipeline.acceptAll(batch);
                            batch.clear();
                        }
                    }
                }));
                pipeline.acceptAll(batch);
                pipeline.finish();
            }
        }
        return new Run(alerts, events.get(), rejected.get(), capped);
    }

    /** Events handed to the engine under one lock acquisition on the calling thread, as a pipelined replay does. */
    private static final int BATCH = 1024;

    /** Reads every input; true when the cap stopped the reading. */
    private static boolean read(Request request, java.util.function.Consumer<Path> ingest) {
        try {
            for (Path input : request.inputs()) {
                ingest.accept(input);
            }
            return false;
        } catch (CapReached cap) {
            return true;
        }
    }

    private static Run get(Future<Run> run) throws RuleLoadException, java.io.IOException {
        try {
            return run.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("backtest interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuleLoadException r) {
                throw r;
            }
            if (cause instanceof java.io.IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        }
    }
}
