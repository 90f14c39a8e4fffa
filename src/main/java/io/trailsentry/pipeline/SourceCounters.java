package io.trailsentry.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * Events by where they came from ({@code http}, {@code inbox}, {@code kafka}, {@code replay}, …): read,
 * rejected as dead letters, dropped as duplicates, and late. Readable without the pipeline's lock, so
 * a metrics scrape never waits for the engine.
 */
public final class SourceCounters {

    private final LongAdder read = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder late = new LongAdder();

    void count(io.trailsentry.ingest.ReadSummary summary) {
        read.add(summary.accepted());
        rejected.add(summary.rejected());
    }

    void duplicate() {
        duplicates.increment();
    }

    void late() {
        late.increment();
    }

    public long read() {
        return read.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long lateEvents() {
        return late.sum();
    }
}
