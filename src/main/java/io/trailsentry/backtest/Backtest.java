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
 */
public final class Backtest {

    /** Builds a replay pipeline over one rules folder, alerts going to {@code sink}. */
    @FunctionalInterface
    public interface PipelineFactory {
        DetectionPipeline create(Path rulesDir, AlertSink sink, DeadLetterSink deadLetters) throws RuleLoadException, java.io.IOException;
    }

    /**
     * @param baseline the deployed rules folder
     * @param changed  the changed rules folder
     * @param inputs   CloudTrail files and folders (the archive is one)
     * @param from     events before this are skipped; null for no bound
     * @param to       events at or after this are skipped; null for no bound
     */
    public record Request(Path baseline, Path changed, List<Path> inputs, Instant from, Instant to) {

        public Request {
            inputs = List.copyOf(inputs);
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("--from " + from + " is not before --to " + to);
            }
        }

        boolean covers(CloudTrailEvent e) {
            long t = e.getEventTimeMillis();
            return (from == null || t >= from.toEpochMilli()) && (to == null || t < to.toEpochMilli());
        }
    }

    /** What one rule set raised over the input. */
    record Run(List<Alert> alerts, long events, long rejected) {
    }

    private final PipelineFactory factory;

    public Backtest(PipelineFactory factory) {
        this.factory = factory;
    }

    /**
     * Runs both sets (in parallel when there is more than one core) and diffs them.
     *
     * @throws RuleLoadException when either set is refused (its errors name the folder's files)
     */
    public BacktestDiff run(Request request) throws RuleLoadException, java.io.IOException {
        long started = System.nanoTime();
        Run baseline;
        Run changed;
        if (Runtime.getRuntime().availableProcessors() < 2) {
            baseline = replay(request.baseline(), request);
            changed = replay(request.changed(), request);
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "trailsentry-backtest");
                t.setDaemon(true);
                return t;
            });
            try {
                Future<Run> before = pool.submit(() -> replay(request.baseline(), request));
                Future<Run> after = pool.submit(() -> replay(request.changed(), request));
                baseline = get(before);
                changed = get(after);
            } finally {
                pool.shutdownNow();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return BacktestDiff.of(baseline.alerts(), changed.alerts(), baseline.events(), baseline.rejected(), seconds);
    }

    private Run replay(Path rulesDir, Request request) throws RuleLoadException, java.io.IOException {
        List<Alert> alerts = new ArrayList<>();
        AtomicLong rejected = new AtomicLong();
        AtomicLong events = new AtomicLong();
        Predicate<CloudTrailEvent> covered = e -> {
            if (!request.covers(e)) {
                return false;
            }
            events.incrementAndGet();
            return true;
        };
        try (DetectionPipeline pipeline = factory.create(rulesDir, alerts::add, d -> rejected.incrementAndGet());
             PipelinedReplay replay = new PipelinedReplay(pipeline)) {
            for (Path input : request.inputs()) {
                replay.ingest(input, covered);
            }
            replay.finish();
        }
        return new Run(alerts, events.get(), rejected.get());
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
