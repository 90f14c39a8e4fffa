package io.trailsentry.cli;

import io.smallrye.config.SmallRyeConfig;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.backtest.Backtest;
import io.trailsentry.backtest.BacktestDiff;
import io.trailsentry.backtest.BacktestReport;
import io.trailsentry.config.ArchiveConfig;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.pipeline.Pipelines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rules backtest}: what a changed rules folder would have raised over history that the
 * deployed one did not, and the other way round, before it goes live. Both sets replay the same
 * input ({@link Backtest}); the diff is printed grouped by rule and actor with counts per day, or as
 * JSON, and the exit code gates a CI job on {@code --max-new-alerts}.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay history through the deployed rules and a changed copy, and print the alerts and incidents",
                "only the changed set raises (new), only the deployed one raises (gone), and both raise differently (changed)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:done, new alerts within --max-new-alerts", "1:more new alerts than --max-new-alerts", "2:usage error",
                "3:rules refused", "4:input unreadable"})
final class RulesBacktestCommand implements Callable<Integer> {

    @Option(names = "--rules", required = true, paramLabel = "NEW_DIR", description = "the changed rules folder")
    Path changed;

    @Option(names = "--baseline", paramLabel = "DIR", description = "the deployed rules folder (default: trailsentry.rules.dir)")
    Path baseline;

    @Option(names = "--from", paramLabel = "TIME", description = "skip events before this (ISO instant or date, UTC)")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "skip events at or after this (ISO instant or date, UTC: the day's start)")
    String to;

    @Option(names = "--json", description = "print the diff as JSON")
    boolean json;

    @Option(names = "--max-new-alerts", paramLabel = "N", description = "exit 1 when the changed set raises more than N new alerts and incidents")
    Integer maxNewAlerts;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file over application.properties (same keys as the server)")
    Path configFile;

    @Parameters(arity = "0..*", paramLabel = "INPUT", description = "CloudTrail files or folders (default: the event archive, trailsentry.archive.dir)")
    List<Path> inputs;

    @picocli.CommandLine.ParentCommand
    RulesCommand parent;

    private PrintStream out;
    private PrintStream err;

    @Override
    public Integer call() throws Exception {
        out = parent.out;
        err = parent.err;
        TrailSentryConfig config;
        Path archive;
        try {
            SmallRyeConfig all = StandaloneConfig.read(configFile);
            config = all.getConfigMapping(TrailSentryConfig.class);
            archive = all.getConfigMapping(ArchiveConfig.class).dir();
        } catch (RuntimeException e) {
            err.println("configuration error: " + e.getMessage());
            return ExitCode.USAGE;
        }
        Backtest.Request request;
        try {
            List<Path> in = inputs == null || inputs.isEmpty() ? List.of(archive) : inputs;
            request = new Backtest.Request(baseline != null ? baseline : config.rules().dir(), changed, in, instant(from, "--from"),
                    instant(to, "--to"));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return ExitCode.USAGE;
        }
        for (Path dir : List.of(request.baseline(), request.changed())) {
            if (!Files.isDirectory(dir)) {
                err.println("rules folder " + dir + " does not exist");
                return ExitCode.USAGE;
            }
        }
        for (Path input : request.inputs()) {
            if (!Files.exists(input)) {
                err.println("input " + input + " does not exist" + (inputs == null || inputs.isEmpty()
                        ? " (the event archive: name CloudTrail files or folders, or run where the server keeps its archive)" : ""));
                return ExitCode.INPUT_UNREADABLE;
            }
        }
        BacktestDiff diff;
        try {
            diff = new Backtest((rulesDir, sink, deadLetters) -> Pipelines.pipelineWithoutHistory(config,
                    Pipelines.engineSettings(config).withRulesDir(rulesDir), 0, List.of(sink), deadLetters)).run(request);
        } catch (RuleLoadException e) {
            err.println("rules did not load:\n" + e.getMessage());
            return ExitCode.RULES_REFUSED;
        }
        if (diff.events() == 0) {
            err.printf(Locale.ROOT, "no CloudTrail event read from %s%s (%d rejected)%n", request.inputs(), window(request), diff.rejected());
            return ExitCode.INPUT_UNREADABLE;
        }
        if (json) {
            BacktestReport report = BacktestReport.of(request.baseline().toString(), request.changed().toString(), request, diff, maxNewAlerts);
            out.println(AlertJson.mapper().writeValueAsString(report));
        } else {
            print(diff, request);
        }
        return maxNewAlerts != null && diff.newAlerts() > maxNewAlerts ? ExitCode.FINDINGS : ExitCode.OK;
    }

    private void print(BacktestDiff diff, Backtest.Request request) {
        // The time includes compiling both sets (a cold rule cache dominates a small input), so no rate.
        out.printf(Locale.ROOT, "backtest of %s against %s over %d events%s in %.1f s (both sets compiled and replayed)%n",
                request.changed(), request.baseline(), diff.events(), window(request), diff.seconds());
        out.printf(Locale.ROOT, "  baseline: %d alerts, %d incidents for analysts; changed: %d alerts, %d incidents%n",
                diff.baseline().signals(), diff.baseline().incidents(), diff.changed().signals(), diff.changed().incidents());
        for (BacktestDiff.Kind kind : BacktestDiff.Kind.values()) {
            out.printf(Locale.ROOT, "%s: %d alerts, %d incidents%n", label(kind), diff.count(kind, false), diff.count(kind, true));
            for (BacktestDiff.Group g : diff.groups()) {
                if (g.kind() != kind) {
                    continue;
                }
                StringBuilder days = new StringBuilder();
                g.perDay().forEach((day, n) -> days.append(days.isEmpty() ? "" : ", ").append(day).append(": ").append(n));
                out.printf(Locale.ROOT, "  %-48s %-40s %4d  (%s)%n", g.ruleId(), g.actor(), g.total(), days);
            }
        }
        if (!diff.differences().isEmpty()) {
            out.println("details:");
            for (BacktestDiff.Difference d : diff.differences()) {
                out.printf(Locale.ROOT, "  %-7s %-8s %s %s %s %s: %s%n", d.kind(), d.incident() ? "incident" : "alert", d.time(), d.ruleId(),
                        d.actor(), d.before() == null ? "-> " + d.after() : d.after() == null ? d.before() + " ->" : d.before() + " -> " + d.after(),
                        d.detail());
            }
        }
        out.printf(Locale.ROOT, "%d new alert(s) and incident(s)%s%n", diff.newAlerts(),
                maxNewAlerts == null ? "" : diff.newAlerts() > maxNewAlerts ? ", more than --max-new-alerts " + maxNewAlerts
                        : ", within --max-new-alerts " + maxNewAlerts);
    }

    private static String label(BacktestDiff.Kind kind) {
        return switch (kind) {
            case NEW -> "new (only the changed rules)";
            case GONE -> "gone (only the deployed rules)";
            case CHANGED -> "changed";
        };
    }

    private static String window(Backtest.Request r) {
        return r.from() == null && r.to() == null ? "" : " from " + (r.from() == null ? "the start" : r.from()) + " to "
                + (r.to() == null ? "the end" : r.to());
    }

    /** An ISO instant, or a date meaning its UTC start. */
    static Instant instant(String text, String option) {
        return Backtest.timeBound(text, option);
    }
}
