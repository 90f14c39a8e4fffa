package io.trailsentry.pipeline;

import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.ReadSummary;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A replay on two threads: the caller parses, a second thread evaluates, so both cores work. Events
 * cross in batches through a bounded queue (the parser waits when the engine is behind, memory stays
 * bounded) and are evaluated in the order they were read, so the alerts are the same as on one
 * thread.
 */
public final class PipelinedReplay implements AutoCloseable {

    static final int BATCH = 1024;
    private static final int QUEUE_BATCHES = 64;
    private static final List<CloudTrailEvent> END = List.of();
    /** A marker of its own identity: the engine thread signals {@link #drained} when it gets there. */
    private static final List<CloudTrailEvent> DRAIN = new ArrayList<>(0);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final DetectionPipeline pipeline;
    private final BlockingQueue<List<CloudTrailEvent>> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private final Thread engineThread;
    private List<CloudTrailEvent> batch = new ArrayList<>(BATCH);
    private volatile RuntimeException failure;
    private volatile long engineCpuNanos = -1;
    private final Semaphore drained = new Semaphore(0);
    private boolean ended;

    public PipelinedReplay(DetectionPipeline pipeline) {
        this.pipeline = pipeline;
        this.engineThread = new Thread(this::evaluate, "trailsentry-engine");
        engineThread.setDaemon(true);
        engineThread.start();
    }

    public ReadSummary ingest(Path fileOrDirectory) {
        return pipeline.ingest(fileOrDirectory, this::offer);
    }

    /** As {@link #ingest(Path)}, evaluating only the events {@code only} accepts (a backtest's time window). */
    public ReadSummary ingest(Path fileOrDirectory, java.util.function.Predicate<CloudTrailEvent> only) {
        return pipeline.ingest(fileOrDirectory, e -> {
            if (only.test(e)) {
                offer(e);
            }
        });
    }

    public ReadSummary ingest(byte[] payload, String source) {
        return pipeline.ingest(payload, source, this::offer);
    }

    /** Waits until every event read so far is evaluated, then ends the input ({@link DetectionPipeline#finish}). */
    public void finish() {
        endInput();
        pipeline.finish();
    }

    @Override
    public void close() {
        endInput();
    }

    /**
     * Waits until the engine has taken every event read so far, without ending the input: events the
     * reorder buffer holds for late arrivals stay there, windows stay open, and more input may follow.
     * A long replay's steady state is measured between two drains.
     */
    public void drain() {
        if (ended) {
            throw new IllegalStateException("the input has ended");
        }
        handPartialBatch();
        hand(DRAIN);
        while (true) {
            if (failure != null) {
                throw failure;
            }
            try {
                if (drained.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the engine drained", e);
            }
        }
    }

    /** CPU time the engine thread has used so far (its total once the input has ended); -1 when the JVM cannot tell. */
    public long engineCpuNanos() {
        long total = engineCpuNanos;
        if (total >= 0 || !engineThread.isAlive() || !THREADS.isThreadCpuTimeSupported()) {
            return total;
        }
        return THREADS.getThreadCpuTime(engineThread.getId());
    }

    /** Hands over the events read since the last full batch, if any. */
    private void handPartialBatch() {
        if (!batch.isEmpty()) {
            hand(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    private void offer(CloudTrailEvent event) {
        batch.add(event);
        if (batch.size() == BATCH) {
            hand(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    private void endInput() {
        if (ended) {
            return;
        }
        ended = true;
        handPartialBatch();
        hand(END);
        try {
            engineThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the engine finished", e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void hand(List<CloudTrailEvent> events) {
        if (failure != null) {
            throw failure;
        }
        try {
            queue.put(events);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing events to the engine", e);
        }
    }

    private void evaluate() {
        try {
            while (true) {
                List<CloudTrailEvent> events = queue.take();
                if (events == END) {
                    engineCpuNanos = THREADS.getCurrentThreadCpuTime();
                    return;
                }
                if (events == DRAIN) {
                    drained.release();
                    continue;
                }
                pipeline.acceptAll(events);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            queue.clear(); // unblock the parser; it sees the failure at its next hand-over
        }
    }
}
