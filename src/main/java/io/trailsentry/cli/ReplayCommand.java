package io.trailsentry.cli;

import io.trailsentry.config.OcsfFileConfig;
import io.trailsentry.config.ProductVersion;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.pipeline.Pipelines;

import io.smallrye.config.SmallRyeConfig;
import io.trailsentry.alert.JsonlAlertSink;
import io.trailsentry.alert.ocsf.OcsfFileSink;
import io.trailsentry.alert.ocsf.OcsfFindingMapper;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.JsonlDeadLetterFile;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.PipelineStats;
import io.trailsentry.pipeline.PipelinedReplay;
import io.trailsentry.config.TrailSentryConfig;

import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.ingest.FirstDeadLetters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code replay}: processes CloudTrail files and folders as fast as they can be read, on event time,
 * writes the alerts, and prints a summary. A replay starts from empty learned baselines, so its
 * alerts depend only on its input.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Process CloudTrail files and folders (S3 delivery files, JSON lines, EventBridge envelopes, gzip or plain)",
                "on event time with the rules, write the alerts, print a summary."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:done", "1:an output could not be written", "2:usage error", "3:rules refused",
                "4:input unreadable (missing, or not one CloudTrail record read from it)"})
public final class ReplayCommand implements Callable<Integer> {

    /** How many rejected records' reasons a replay that read nothing prints. */
    static final int FIRST_REASONS = 5;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file over application.properties (same keys as the server)")
    Path configFile;

    @Option(names = "--alerts", paramLabel = "OUT.jsonl", description = "alert file (default: trailsentry.alerts.file); ids already in it are skipped")
    Path alertsFile;

    @Option(names = "--ocsf", paramLabel = "FINDINGS.jsonl", description = "also write alerts for analysts as OCSF Detection Findings")
    Path ocsfFile;

    @Option(names = "--dead-letter", paramLabel = "FILE", description = "rejected records with source, position and reason (default: trailsentry.dead-letter.file)")
    Path deadLetterFile;

    @Option(names = "--rebuild-baselines", description = "save what the replay learned as the server's baselines (trailsentry.context.baseline-file)")
    boolean rebuildBaselines;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "CloudTrail files or folders (an S3 AWSLogs/… prefix)")
    List<Path> inputs;

    private final PrintStream out;
    private final PrintStream err;

    public ReplayCommand() {
        this(System.out, System.err);
    }

    ReplayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Parses and runs on this command's streams (tests, and {@code main} through picocli). */
    int run(List<String> args) {
        return Cli.execute(this, out, err, args);
    }

    @Override
    public Integer call() {
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                err.println("input " + input + " does not exist");
                return ExitCode.INPUT_UNREADABLE;
            }
        }
        TrailSentryConfig config;
        Path ocsf;
        try {
            SmallRyeConfig all = StandaloneConfig.read(configFile);
            config = all.getConfigMapping(TrailSentryConfig.class);
            ocsf = ocsfFile != null ? ocsfFile : all.getConfigMapping(OcsfFileConfig.class).path().orElse(null);
        } catch (RuntimeException e) {
            err.println("configuration error: " + e.getMessage());
            return ExitCode.USAGE;
        }
        Path alerts = alertsFile != null ? alertsFile : config.alerts().file();
        Path deadLetters = deadLetterFile != null ? deadLetterFile : config.deadLetter().file();
        return replay(config, inputs, alerts, ocsf, deadLetters, rebuildBaselines);
    }

    /**
     * @param rebuildBaselines write what the replay learned to the configured baseline file (a replay
     *                         always starts from empty baselines, so its alerts depend only on its input)
     */
    /** @param ocsfPath where alerts are also written as OCSF findings, or null for nowhere */
    private int replay(TrailSentryConfig config, List<Path> inputs, Path alertsPath, Path ocsfPath, Path deadLetterPath,
                       boolean rebuildBaselines) {
        long started = System.nanoTime();
        try (JsonlAlertSink alertSink = new JsonlAlertSink(alertsPath);
             OcsfFileSink ocsfSink = ocsfPath == null ? null : new OcsfFileSink(ocsfPath, new OcsfFindingMapper(ProductVersion.get()));
             JsonlDeadLetterFile deadLetterFile = new JsonlDeadLetterFile(deadLetterPath)) {
            FirstDeadLetters deadLetters = new FirstDeadLetters(deadLetterFile, FIRST_REASONS);
            try (DetectionPipeline pipeline = Pipelines.pipeline(config,
                     ocsfSink == null ? List.of(alertSink) : List.of(alertSink, ocsfSink), deadLetters, false)) {
            ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "replay-progress");
                t.setDaemon(true);
                return t;
            });
            progress.scheduleAtFixedRate(() -> printProgress(pipeline.stats(), started), 2, 2, TimeUnit.SECONDS);
            ReadSummary total = new ReadSummary(0, 0, 0);
            try (PipelinedReplay replay = new PipelinedReplay(pipeline)) {
                for (Path input : inputs) {
                    total = total.plus(replay.ingest(input));
                }
                replay.finish();
                if (rebuildBaselines) {
                    // A replay of history rebuilds the learned baselines the server starts from.
                    pipeline.saveBaselines();
                }
            } finally {
                progress.shutdownNow();
            }
            PipelineStats stats = pipeline.stats();
            double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-9);
            out.printf(Locale.ROOT, "replayed %d file(s): %d events, %d rejected, %d duplicates, %d late, %d alerts for analysts, "
                            + "%d building-block signals, %d suppressed (%d new in %s) in %.2f s, %.0f events/s%n",
                    total.files(), stats.read(), stats.rejected(), stats.engine().duplicates(), stats.engine().late(),
                    stats.forAnalysts(), stats.buildingBlocks(), stats.suppressed(), alertSink.count(), alertsPath, seconds,
                    stats.read() / seconds);
            if (ocsfSink != null) {
                out.printf(Locale.ROOT, "%d new OCSF finding(s) in %s%n", ocsfSink.count(), ocsfPath);
            }
            if (stats.rejected() > 0) {
                out.printf(Locale.ROOT, "rejected records written to %s%n", deadLetterPath);
            }
            if (stats.read() == 0) {
                // Nothing read is never a successful replay: say why, with the first reasons.
                err.printf(Locale.ROOT, "no CloudTrail record could be read from %s (%d rejected)%n", inputs, stats.rejected());
                for (DeadLetter d : deadLetters.first()) {
                    err.printf(Locale.ROOT, "  %s at %s: %s%n", d.source(), d.position(), d.reason());
                }
                return ExitCode.INPUT_UNREADABLE;
            }
            return ExitCode.OK;
            }
        } catch (RuleLoadException e) {
            err.println("rules did not load:\n" + e.getMessage());
            return ExitCode.RULES_REFUSED;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            err.println("cannot write output: " + e.getMessage());
            return ExitCode.FINDINGS;
        }
    }

    private void printProgress(PipelineStats stats, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "... %d events (%.0f/s), %d rejected, %d alerts, event time %s%n",
                stats.read(), stats.read() / seconds, stats.rejected(), stats.alerts(),
                stats.engine().eventTime() == 0 ? "-" : java.time.Instant.ofEpochMilli(stats.engine().eventTime()));
    }
}
