package io.trailsentry.sample;

/** What a writer produced: for the CLI's one-line report and for tests. */
public record WriteSummary(long records, long injected, int files, long bytes) {

    public long background() {
        return records - injected;
    }
}
