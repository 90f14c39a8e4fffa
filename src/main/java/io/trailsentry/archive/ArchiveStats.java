package io.trailsentry.archive;

import java.time.Instant;

/**
 * What the archive did since start and holds now, for {@code GET /status} and metrics.
 *
 * @param written   events written
 * @param dropped   events not archived because the writer was behind (queue full): a slow disk
 * @param failed    events not archived because writing failed: a full or broken disk
 * @param failing   the last write failed (the episode is logged once, when it starts and when it ends)
 * @param lastError why the last failed write failed, or null
 * @param files     closed files kept
 * @param bytes     bytes on disk (closed files and what open ones have flushed)
 * @param oldest    start of the oldest hour kept, or null when empty
 * @param newest    start of the newest hour kept, or null when empty
 * @param deleted   files deleted by the retention or the size cap since start
 * @param queued    events waiting for the writer thread
 */
public record ArchiveStats(boolean enabled, String dir, long written, long dropped, long failed, boolean failing,
                           String lastError, long files, long bytes, Instant oldest, Instant newest, long deleted, int queued) {

    public static ArchiveStats disabled() {
        return new ArchiveStats(false, null, 0, 0, 0, false, null, 0, 0, null, null, 0, 0);
    }
}
