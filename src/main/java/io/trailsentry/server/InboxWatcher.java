package io.trailsentry.server;

import io.quarkus.scheduler.Scheduled;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.config.TrailSentryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ingests every file dropped into the inbox folder (any supported shape, a whole S3 prefix tree
 * included) and moves it to {@code processed/}. A file still being written is left for the next
 * poll: it must be unchanged for one poll interval. Names starting with '.' or ending in
 * {@code .part} / {@code .tmp} are ignored, so writers can rename into place atomically.
 */
@ApplicationScoped
public class InboxWatcher {

    private static final Logger LOG = Logger.getLogger(InboxWatcher.class);
    public static final String PROCESSED = "processed";

    private final TrailSentryConfig config;
    private final EngineService engine;

    InboxWatcher(TrailSentryConfig config, EngineService engine) {
        this.config = config;
        this.engine = engine;
    }

    @Scheduled(every = "${trailsentry.inbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void poll() {
        if (!config.inbox().enabled() || engine.state() != EngineState.RUNNING) {
            return;
        }
        Path inbox = config.inbox().dir();
        try {
            Files.createDirectories(inbox);
            for (Path file : readyFiles(inbox)) {
                ingest(inbox, file);
            }
        } catch (IOException e) {
            LOG.errorf("cannot scan inbox %s: %s", inbox.toAbsolutePath(), e.getMessage());
        }
    }

    private List<Path> readyFiles(Path inbox) throws IOException {
        FileTime settledBefore = FileTime.from(Instant.now().minus(config.inbox().pollInterval()));
        Path processed = inbox.resolve(PROCESSED);
        try (Stream<Path> walk = Files.walk(inbox)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(processed))
                    .filter(p -> !ignored(inbox.relativize(p)))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(settledBefore) <= 0;
                        } catch (IOException gone) {
                            return false;
                        }
                    })
                    .sorted()
                    .toList();
        }
    }

    private static boolean ignored(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".")) {
                return true;
            }
        }
        String name = relative.getFileName().toString();
        return name.endsWith(".part") || name.endsWith(".tmp");
    }

    private void ingest(Path inbox, Path file) {
        ReadSummary summary;
        try {
            summary = engine.ingest(file);
        } catch (EngineUnavailableException stopping) {
            // shutting down mid-file: the file stays in the inbox and is read whole after the restart
            LOG.infof("inbox: %s left for after the restart (%s)", inbox.relativize(file), stopping.state());
            return;
        }
        LOG.infof("inbox: %s: %d events, %d rejected", inbox.relativize(file), summary.accepted(), summary.rejected());
        Path target = inbox.resolve(PROCESSED).resolve(inbox.relativize(file));
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                target = target.resolveSibling(target.getFileName() + "." + System.currentTimeMillis());
            }
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            stampFinished(target);
        } catch (IOException e) {
            LOG.errorf("inbox: ingested %s but cannot move it to %s (%s); it would be read again, so it is deleted",
                    file, target, e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                LOG.errorf("inbox: cannot delete %s either; it will be ingested again (eventID dedup limits the damage)", file);
            }
        }
    }

    /** When it was finished: a restart reads the recent ones again, in this order ({@link InboxRecovery}). */
    private static void stampFinished(Path processed) {
        try {
            Files.setLastModifiedTime(processed, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.warnf("inbox: cannot stamp %s with the time it was processed (%s); a restart may not read it again", processed, e.getMessage());
        }
    }
}
