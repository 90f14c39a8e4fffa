package io.trailsentry.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.backtest.Backtest;
import io.trailsentry.backtest.BacktestDiff;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.Pipelines;
import io.trailsentry.sample.EnumerationBurst;
import io.trailsentry.sample.PrivilegeEscalationChain;
import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleSpec;
import io.trailsentry.sample.WriteSummary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code bench --backtest [--events N] [--principals P] [--seed S]}: how fast {@code rules backtest}
 * goes through history. A day of generated traffic (N background calls on a Tuesday, busier in
 * business hours, plus an enumeration burst and a privilege-escalation chain) is written as S3
 * delivery files, then {@link Backtest} replays it through the two rule sets a backtest compares, side
 * by side as it always does: the deployed rules folder and a changed copy of it (the same rules plus
 * {@link #ADDED_RULES} generated ones, as a change that adds rules; see {@link GeneratedRules}).
 * Events/s counts each input event once (both sets evaluate it), from the moment the slower set has
 * its rules compiled and deployed. One pass, as a backtest is: the code is as cold as in a real one.
 */
final class BacktestBench {

    /** Rules the changed set adds to the deployed ones. */
    static final int ADDED_RULES = 10;
    private static final Instant DAY = Instant.parse("2026-01-20T00:00:00Z");

    private final PrintStream out;

    BacktestBench(PrintStream out) {
        this.out = out;
    }

    int run(long events, int principals, long seed, Path outDir) throws IOException, RuleLoadException {
        TrailSentryConfig config = StandaloneConfig.load(null);
        Path deployed = config.rules().dir();
        Path work = Files.createTempDirectory("trailsentry-bench-backtest");
        try {
            WriteSummary written = new SampleGenerator(day(seed, events, principals)).writeS3DeliveryFiles(work.resolve("input"));
            Path changed = work.resolve("changed");
            copyRules(deployed, changed);
            // In a folder that sorts after the deployed files: those keep their place in the compile
            // chain, so the rule cache serves them and only the added rules are compiled.
            GeneratedRules.writeRules(deployed, ADDED_RULES, changed.resolve("zz_added"));
            out.printf(Locale.ROOT, "a day of generated traffic: %,d records in %,d S3 delivery files (%.1f MB gzip); backtest of %s against %s + %d generated rules...%n",
                    written.records(), written.files(), written.bytes() / 1e6, deployed, deployed, ADDED_RULES);

            AtomicLong slowestStart = new AtomicLong();
            long t0 = System.nanoTime();
            BacktestDiff diff = new Backtest((rulesDir, sink, deadLetters) -> {
                DetectionPipeline pipeline = Pipelines.pipelineWithoutHistory(config, Pipelines.engineSettings(config).withRulesDir(rulesDir), 0,
                        List.of(sink), deadLetters);
                slowestStart.accumulateAndGet(System.nanoTime() - t0, Math::max);
                return pipeline;
            }).run(new Backtest.Request(deployed, changed, List.of(work.resolve("input")), null, null));
            double startSeconds = slowestStart.get() / 1e9;
            double replaySeconds = Math.max(diff.seconds() - startSeconds, 1e-9);
            double rate = diff.events() / replaySeconds;

            out.println();
            out.println("| measure | value |");
            out.println("|---|---|");
            out.printf(Locale.ROOT, "| input | %,d events, one day of event time, %,d S3 delivery files |%n", diff.events(), written.files());
            out.printf(Locale.ROOT, "| rule sets | deployed (%s) and changed (the same + %d generated), side by side |%n", deployed, ADDED_RULES);
            out.printf(Locale.ROOT, "| rules compiled (or read from the rule cache) and deployed, slower set | %.1f s |%n", startSeconds);
            out.printf(Locale.ROOT, "| **backtest throughput, both sets** | **%,.0f events/s** (%.1f s for the day, %.1f s in all) |%n",
                    rate, replaySeconds, diff.seconds());
            out.printf(Locale.ROOT, "| alerts / incidents: deployed, changed | %d / %d, %d / %d |%n", diff.baseline().signals(),
                    diff.baseline().incidents(), diff.changed().signals(), diff.changed().incidents());
            out.printf(Locale.ROOT, "| new alerts and incidents (only the changed set) | %d |%n", diff.newAlerts());
            out.printf(Locale.ROOT, "| machine | %d cores, Java %s |%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

            ObjectNode json = AlertJson.mapper().createObjectNode();
            json.put("timestamp", Instant.now().toString());
            json.put("events", diff.events());
            json.put("files", written.files());
            json.put("startSeconds", Math.round(startSeconds * 100) / 100.0);
            json.put("replaySeconds", Math.round(replaySeconds * 100) / 100.0);
            json.put("eventsPerSecond", Math.round(rate));
            json.put("baselineSignals", diff.baseline().signals());
            json.put("changedSignals", diff.changed().signals());
            json.put("newAlerts", diff.newAlerts());
            json.put("cores", Runtime.getRuntime().availableProcessors());
            Files.createDirectories(outDir);
            AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("bench-backtest-latest.json").toFile(), json);
        } finally {
            try (Stream<Path> walk = Files.walk(work)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return 0;
    }

    /** {@code events} background calls over one Tuesday (the generator's business-hours weighting), with two attacks in it. */
    static SampleSpec day(long seed, long events, int principals) {
        List<io.trailsentry.sample.Scenario> attacks = List.of(
                new EnumerationBurst("build-bot", DAY.plus(Duration.ofHours(10)).plusSeconds(60), "203.0.113.42"),
                new PrivilegeEscalationChain("marketing-uploader", DAY.plus(Duration.ofHours(15)), "203.0.113.99"));
        SampleSpec unit = new SampleSpec(seed, DAY, Duration.ofDays(1), principals, 1.0, attacks);
        return new SampleSpec(seed, DAY, Duration.ofDays(1), principals, (double) events / Math.max(1, unit.backgroundEvents()), attacks);
    }

    /** The rule files and data of {@code from}, without their rule tests (a backtest does not run them). */
    private static void copyRules(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.filter(Files::isRegularFile).toList()) {
                if (source.getFileName().toString().endsWith(".tests.yaml")) {
                    continue;
                }
                Path target = to.resolve(from.relativize(source).toString());
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
