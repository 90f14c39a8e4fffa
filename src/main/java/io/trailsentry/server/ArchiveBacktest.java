package io.trailsentry.server;

import io.trailsentry.archive.ArchiveStats;
import io.trailsentry.archive.EventArchive;
import io.trailsentry.backtest.Backtest;
import io.trailsentry.backtest.BacktestDiff;
import io.trailsentry.backtest.BacktestReport;
import io.trailsentry.backtest.RuleChanges;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.pipeline.Pipelines;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the server runs one backtest job: the archive's open hour files closed (so the newest events
 * are read too), the deployed rules folder copied as it is now (the baseline: a folder edited during
 * the job does not move under it), a second copy with the submitted files laid over it, both replayed
 * over the archive on the job thread ({@link Backtest#onCallingThread}, each set in a replay pipeline
 * of its own, as {@code rules backtest} builds them), and the copies deleted.
 */
@ApplicationScoped
class ArchiveBacktest implements BacktestJobs.Work {

    private static final Logger LOG = Logger.getLogger(ArchiveBacktest.class);
    /** How long the archive's writer may take to close its open parts before the job reads without the newest hour. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final TrailSentryConfig config;
    private final ArchiveService archive;

    ArchiveBacktest(TrailSentryConfig config, ArchiveService archive) {
        this.config = config;
        this.archive = archive;
    }

    @Override
    public Optional<String> unavailable() {
        if (archive.archive().isPresent()) {
            return Optional.empty();
        }
        ArchiveStats stats = archive.stats();
        return Optional.of("this server keeps no event archive to backtest on ("
                + (stats.lastError() != null ? "its folder could not be used: " + stats.lastError() : "trailsentry.archive.enabled=false")
                + "); run bin/trailsentry rules backtest on CloudTrail files instead");
    }

    @Override
    public BacktestReport run(BacktestJob job) throws Exception {
        EventArchive events = archive.archive().orElseThrow(() -> new IllegalStateException(unavailable().orElse("no archive")));
        job.phase("closing the archive's open files");
        if (!archive.closeOpenFiles(CLOSE_WAIT)) {
            LOG.warnf("backtest %s: the archive's writer did not close its open files within %s; the newest events may be left out",
                    job.id, CLOSE_WAIT);
        }
        job.phase("copying the rules folder");
        Path deployed = config.rules().dir();
        Path work = Files.createTempDirectory("trailsentry-backtest-");
        try {
            Path baseline = work.resolve("deployed");
            Path changed = work.resolve("changed");
            RuleChanges.copyRulesFolder(deployed, baseline);
            RuleChanges.copyRulesFolder(baseline, changed);
            job.changes.applyTo(changed);
            Backtest.Request request = new Backtest.Request(baseline, changed, List.of(events.dir()), job.from, job.to, job.maxEvents);
            BacktestDiff diff = Backtest.onCallingThread((rulesDir, sink, deadLetters) -> Pipelines.pipelineWithoutHistory(config,
                    Pipelines.engineSettings(config).withRulesDir(rulesDir), 0, List.of(sink), deadLetters), job).run(request);
            if (diff.events() == 0) {
                ArchiveStats stats = archive.stats();
                throw new BacktestJob.Stopped(false, "no archived event " + window(job) + " (the archive holds " + (stats.oldest() == null ? "nothing yet"
                        : "the hours " + stats.oldest() + " to " + stats.newest()) + "); choose from/to inside it");
            }
            return BacktestReport.of(deployed.toString(), deployed + " with " + String.join(", ", job.changes.names()), request, diff,
                    job.maxNewAlerts);
        } finally {
            deleteQuietly(work);
        }
    }

    private static String window(BacktestJob job) {
        return job.from == null && job.to == null ? "at all" : "from " + (job.from == null ? "the start" : job.from) + " to "
                + (job.to == null ? "the end" : job.to);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("backtest: cannot delete its copy of the rules %s (%s); delete it by hand", dir, e.getMessage());
        }
    }
}
