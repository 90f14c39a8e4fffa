package io.trailsentry.archive;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how much the event archive keeps ({@code trailsentry.archive.*}).
 *
 * @param dir           the archive's root: {@code YYYY/MM/DD/HH-NNNNNN.jsonl.gz} under it
 * @param retention     hours older than this behind the newest archived event time are deleted
 * @param maxSizeBytes  the oldest files are deleted while the archive is bigger than this
 * @param queueCapacity events waiting for the writer thread at most; more are dropped and counted
 */
public record ArchiveSettings(Path dir, Duration retention, long maxSizeBytes, int queueCapacity) {

    public ArchiveSettings {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("trailsentry.archive.retention must be positive: " + retention);
        }
        if (maxSizeBytes <= 0) {
            throw new IllegalArgumentException("trailsentry.archive.max-size must be positive: " + maxSizeBytes);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("trailsentry.archive.queue-capacity must be at least 1: " + queueCapacity);
        }
    }
}
