package io.trailsentry.server;

import io.trailsentry.config.IngestConfig;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns for HTTP ingest: at most {@code max-in-flight} requests are read, parsed and evaluated at
 * once; the next ones wait up to {@code max-wait}, in arrival order, and are then turned away. A
 * waiting request has not read its body yet, so what can pile up in memory is bounded by the turns,
 * not by the number of senders.
 */
@ApplicationScoped
public class IngestGate {

    /** A turn; closing it hands the turn to the next waiting request. */
    public interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    private final int maxInFlight;
    private final Duration maxWait;
    private final Semaphore turns;
    private final AtomicInteger waiting = new AtomicInteger();

    @jakarta.inject.Inject
    IngestGate(IngestConfig config) {
        this(config.maxInFlight(), config.maxWait());
    }

    IngestGate(int maxInFlight, Duration maxWait) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("trailsentry.ingest.max-in-flight must be at least 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.maxWait = maxWait;
        this.turns = new Semaphore(maxInFlight, true);
    }

    /** Waits up to {@code max-wait} for a turn; empty when none came (the caller answers 429). */
    public Optional<Turn> enter() throws InterruptedException {
        waiting.incrementAndGet();
        boolean got;
        try {
            got = turns.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            waiting.decrementAndGet();
        }
        if (!got) {
            return Optional.empty();
        }
        return Optional.of(new Turn() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    turns.release();
                }
            }
        });
    }

    /** Requests holding a turn now. */
    public int inFlight() {
        return maxInFlight - turns.availablePermits();
    }

    /** Requests waiting for a turn now. */
    public int waiting() {
        return waiting.get();
    }

    /** What a refused sender should wait before trying again, whole seconds, at least one. */
    public long retryAfterSeconds() {
        return Math.max(1, (maxWait.toMillis() + 999) / 1000);
    }
}
