package io.trailsentry.server;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Tells a busy engine from a wedged one without making a health probe wait: a helper thread tries to
 * take the engine's lock; a check answers at once from how long the current try has been waiting.
 * Only one try is ever outstanding, so a wedged engine costs one parked thread, not one per probe.
 */
final class EngineLockProbe implements AutoCloseable {

    /** How long a check waits for an idle engine's lock before answering from the clock. */
    private static final Duration QUICK_WAIT = Duration.ofMillis(200);

    /** The outcome of one check: alive, and how long the current attempt to take the lock has waited. */
    record Status(boolean alive, Duration waited) {
    }

    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final ExecutorService prober = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trailsentry-engine-lock-probe");
        t.setDaemon(true);
        return t;
    });
    private Future<?> pending;
    private long pendingSince;

    EngineLockProbe(Duration timeout, LongSupplier nanoTime) {
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    /** @param takeLock enters and leaves the engine's lock */
    synchronized Status check(Runnable takeLock) {
        if (pending != null && !pending.isDone()) {
            Duration waited = Duration.ofNanos(nanoTime.getAsLong() - pendingSince);
            return new Status(waited.compareTo(timeout) < 0, waited);
        }
        pendingSince = nanoTime.getAsLong();
        pending = prober.submit(takeLock);
        try {
            pending.get(QUICK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException busy) {
            // still waiting: the next checks measure how long
        } catch (ExecutionException e) {
            return new Status(false, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Status(true, Duration.ofNanos(nanoTime.getAsLong() - pendingSince));
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
