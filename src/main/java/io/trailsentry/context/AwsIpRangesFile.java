package io.trailsentry.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The AWS ranges the context stage uses: the operator's copy of {@code ip-ranges.json}
 * ({@code trailsentry.context.aws-ip-ranges-file}), re-read when it changes, or the bundled offline
 * subset when none is configured. AWS publishes changes several times a week; operators refresh the
 * file with e.g. {@code curl -o /etc/trailsentry/ip-ranges.json https://ip-ranges.amazonaws.com/ip-ranges.json}
 * (from cron), and the next check picks the new copy up without a restart.
 *
 * <p>The file's modification time and size are checked at most once per {@code checkEvery} of
 * wall-clock time (this is I/O pacing, not rule logic, so it does not follow event time). A copy that
 * cannot be read or parsed — a download caught half-way — is reported by {@link #lastError()} and the
 * previous ranges stay in use.
 */
public final class AwsIpRangesFile {

    /** How often a configured file is checked for changes. */
    public static final Duration CHECK_EVERY = Duration.ofMinutes(1);

    private final Path file;
    private final long checkEveryNanos;
    private final LongSupplier nanoClock;
    private volatile AwsIpRanges ranges;
    private volatile String lastError;
    private long lastCheck;
    private Object lastStamp;

    private AwsIpRangesFile(Path file, AwsIpRanges ranges, Duration checkEvery, LongSupplier nanoClock) {
        this.file = file;
        this.ranges = ranges;
        this.checkEveryNanos = checkEvery.toNanos();
        this.nanoClock = nanoClock;
        this.lastCheck = nanoClock.getAsLong();
    }

    /**
     * The configured file, or the offline subset when {@code file} is null.
     *
     * @throws IllegalArgumentException naming the file and what to do when it cannot be read or is not
     *                                  in the ip-ranges.json format
     */
    public static AwsIpRangesFile open(Path file) {
        return open(file, CHECK_EVERY, System::nanoTime);
    }

    /** As {@link #open(Path)}, checking for changes every {@code checkEvery} by {@code nanoClock} (tests). */
    static AwsIpRangesFile open(Path file, Duration checkEvery, LongSupplier nanoClock) {
        if (file == null) {
            return new AwsIpRangesFile(null, AwsIpRanges.offline(), checkEvery, nanoClock);
        }
        try {
            Object stamp = stamp(file);
            AwsIpRangesFile opened = new AwsIpRangesFile(file, read(file), checkEvery, nanoClock);
            opened.lastStamp = stamp;
            return opened;
        } catch (IOException e) {
            throw new IllegalArgumentException("trailsentry.context.aws-ip-ranges-file: cannot read " + file + " (" + e
                    + "); download it with: curl -o " + file + " https://ip-ranges.amazonaws.com/ip-ranges.json", e);
        }
    }

    /** The ranges now in use, re-reading the file first when it is time to check and it changed. */
    public AwsIpRanges current() {
        if (file != null) {
            long now = nanoClock.getAsLong();
            if (now - lastCheck >= checkEveryNanos) {
                lastCheck = now;
                refresh();
            }
        }
        return ranges;
    }

    /** Why the last re-read failed (the previous ranges stayed), or null. */
    public String lastError() {
        return lastError;
    }

    /** The configured file, or null for the offline subset. */
    public Path file() {
        return file;
    }

    private void refresh() {
        try {
            Object stamp = stamp(file);
            if (stamp.equals(lastStamp)) {
                return;
            }
            ranges = read(file);
            lastStamp = stamp;
            lastError = null;
        } catch (IOException | IllegalArgumentException e) {
            lastError = file + ": " + e.getMessage() + " (keeping the ranges read before)";
        }
    }

    private static AwsIpRanges read(Path file) throws IOException {
        return AwsIpRanges.parse(Files.readAllBytes(file), file.toString());
    }

    /** What tells a changed file: modification time and size (a rewrite in the same millisecond changes the size). */
    private static Object stamp(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return java.util.List.of(attributes.lastModifiedTime(), attributes.size());
    }
}
