package io.trailsentry.server;

import io.trailsentry.pipeline.DetectionPipeline;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * After a restart, before the inbox is polled: the files processed in the last {@code lookback}
 * (the inbox stamps each file with the time it finished it) are evaluated again in that order with
 * nothing emitted. Windows, incidents and remembered eventIDs are then as they were before the crash,
 * so a file left unfinished in the inbox, read again whole, gives the alerts it would have given — with
 * the ids those already written had, which the alert file skips (issue #17, 4). The Kafka lookback does
 * the same for a partition.
 */
final class InboxRecovery {

    private static final Logger LOG = Logger.getLogger(InboxRecovery.class);

    private final Path processed;
    private final Duration lookback;

    InboxRecovery(Path processed, Duration lookback) {
        this.processed = processed;
        this.lookback = lookback;
    }

    /** @return the files evaluated again, in the order they were */
    List<Path> rebuild(DetectionPipeline pipeline) {
        List<Path> files = recent();
        for (Path file : files) {
            pipeline.rebuild(file);
        }
        if (!files.isEmpty()) {
            LOG.infof("inbox: %d processed file(s) of the last %s read again to rebuild the engine's state (nothing emitted)",
                    files.size(), lookback);
        }
        return files;
    }

    /** Processed files finished within {@code lookback} of the newest, oldest first. */
    List<Path> recent() {
        if (!Files.isDirectory(processed)) {
            return List.of();
        }
        record Stamped(Path file, FileTime finished) {
        }
        List<Stamped> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(processed)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                all.add(new Stamped(file, Files.getLastModifiedTime(file)));
            }
        } catch (IOException e) {
            LOG.errorf("inbox: cannot list %s to rebuild the engine's state (%s); starting without it", processed, e.getMessage());
            return List.of();
        }
        if (all.isEmpty()) {
            return List.of();
        }
        FileTime newest = all.stream().map(Stamped::finished).max(Comparator.naturalOrder()).orElseThrow();
        FileTime from = FileTime.fromMillis(newest.toMillis() - lookback.toMillis());
        return all.stream().filter(s -> s.finished().compareTo(from) >= 0)
                .sorted(Comparator.comparing(Stamped::finished).thenComparing(Stamped::file))
                .map(Stamped::file).toList();
    }
}
