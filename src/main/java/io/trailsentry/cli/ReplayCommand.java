package io.trailsentry.api;

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
import io.trailsentry.pipeline.TrailSentryConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code replay [--config FILE] [--alerts OUT.jsonl] [--dead-letter FILE] INPUT...}: processes files
 * and folders as fast as they can be read, on event time, and prints a summary.
 */
final class ReplayCommand {

    static final String USAGE = "usage: trailsentry replay [--config FILE] [--alerts OUT.jsonl] [--ocsf FINDINGS.jsonl] [--dead-letter FILE] [--rebuild-baselines] INPUT...";

    private final PrintStream out;
    private final PrintStream err;

    ReplayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        Path configFile = null;
        Path alertsFile = null;
        Path deadLetterFile = null;
        Path ocsfFile = null;
        boolean rebuildBaselines = false;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--config", "--alerts", "--dead-letter", "--ocsf" -> {
                    if (i + 1 >= args.size()) {
                        err.println(arg + " needs a value\n" + USAGE);
                        return 2;
                    }
                    Path value = Path.of(args.get(++i));
                    if (arg.equals("--config")) configFile = value;
                    else if (arg.equals("--alerts")) alertsFile = value;
                    else if (arg.equals("--ocsf")) ocsfFile = value;
                    else deadLetterFile = value;
                }
                case "--rebuild-baselines" -> rebuildBaselines = true;
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (arg.startsWith("--")) {
                        err.println("unknown option " + arg + "\n" + USAGE);
                        return 2;
                    }
                    inputs.add(Path.of(arg));
                }
            }
        }
        if (inputs.isEmpty()) {
            err.println("no input given\n" + USAGE);
            return 2;
        }
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                err.println("input " + input + " does not exist");
                return 2;
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
            return 2;
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
             JsonlDeadLetterFile deadLetters = new JsonlDeadLetterFile(deadLetterPath);
             DetectionPipeline pipeline = Settings.pipeline(config,
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
            return 0;
        } catch (RuleLoadException e) {
            err.println("rules did not load:\n" + e.getMessage());
            return 3;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            err.println("cannot write output: " + e.getMessage());
            return 1;
        }
    }

    private void printProgress(PipelineStats stats, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "... %d events (%.0f/s), %d rejected, %d alerts, event time %s%n",
                stats.read(), stats.read() / seconds, stats.rejected(), stats.alerts(),
                stats.engine().eventTime() == 0 ? "-" : java.time.Instant.ofEpochMilli(stats.engine().eventTime()));
    }
}
