package io.trailsentry.pipeline;

import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.ReadSummary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

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

    private final DetectionPipeline pipeline;
    private final BlockingQueue<List<CloudTrailEvent>> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private final Thread engineThread;
    private List<CloudTrailEvent> batch = new ArrayList<>(BATCH);
    private volatile RuntimeException failure;
    private volatile long engineCpuNanos = -1;
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

    /** CPU time the engine thread used, once the input has ended; -1 before or when the JVM cannot tell. */
    public long engineCpuNanos() {
        return engineCpuNanos;
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
        if (!batch.isEmpty()) {
            hand(batch);
        }
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
                    engineCpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    return;
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
