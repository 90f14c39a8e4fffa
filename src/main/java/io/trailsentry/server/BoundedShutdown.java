package io.trailsentry.server;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs the server's closing steps (save baselines, close the pipeline, close the files) in order on a
 * helper thread and waits for them until a deadline, never longer: a step that blocks — an engine
 * wedged inside a rule holds the lock every closing step needs — must not keep the process alive
 * after SIGTERM (issue #17, 9). What did not finish is named in the log; the process exits anyway.
 */
final class BoundedShutdown {

    private static final Logger LOG = Logger.getLogger(BoundedShutdown.class);

    private final Map<String, Runnable> steps = new LinkedHashMap<>();
    private final LongSupplier nanoTime;
    private volatile String current = "none";

    BoundedShutdown(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    BoundedShutdown step(String name, Runnable step) {
        steps.put(name, step);
        return this;
    }

    /** @return true when every step finished before the deadline */
    boolean runUntil(long deadlineNanos) {
        Thread runner = new Thread(() -> steps.forEach((name, step) -> {
            current = name;
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "shutdown: %s failed; going on with the next step", name);
            }
        }), "trailsentry-shutdown");
        runner.setDaemon(true); // a step stuck for good must not hold the JVM
        runner.start();
        try {
            long left = deadlineNanos - nanoTime.getAsLong();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(runner, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (runner.isAlive()) {
            LOG.errorf("shutdown: '%s' did not finish within the shutdown timeout (the engine is busy or wedged); "
                    + "exiting without it: alerts already written are on disk, baselines as of their last save", current);
            return false;
        }
        return true;
    }

    static long deadline(Duration timeout, LongSupplier nanoTime) {
        return nanoTime.getAsLong() + timeout.toNanos();
    }
}
