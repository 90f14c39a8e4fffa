package io.trailsentry.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.PipelineStats;
import io.trailsentry.pipeline.PipelinedReplay;
import io.trailsentry.pipeline.Pipelines;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code bench --input FILE [--repeat N] [--rounds R] [--rule-counts 16,100,300,1000|none]}: on real
 * records, in one run,
 * <ol>
 *   <li>the <b>limit</b>: {@link FieldReadingLimit} over the file on one thread;</li>
 *   <li><b>end to end</b>: the file replayed as {@code bin/trailsentry replay} does it
 *       ({@link Pipelines#pipelineWithoutHistory}, every rule of the rules folder, context, scorer,
 *       {@link PipelinedReplay#ingest(Path)}: the product's reader on the calling thread, the engine on a
 *       second one), with each thread's CPU per event;</li>
 *   <li>their ratio;</li>
 *   <li>the <b>rule-count table</b>: the same replay with generated rule sets of each size
 *       ({@link GeneratedRules}).</li>
 * </ol>
 * The input is made longer and replayed in rounds by {@link RepeatedInput}: each round's file is
 * written before anything is timed, and one pipeline replays round after round (the first ones warm
 * the JIT up on the rules' generated classes, as a long replay would), draining between rounds so
 * each round is timed on its own. The limit reads the same round's file just before.
 */
final class InputBench {

    static final List<Integer> DEFAULT_RULE_COUNTS = List.of(16, 100, 300, 1000);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One round's figures. CPU µs are per event end to end; "other" is the process's CPU less both threads' (GC, JIT). */
    record Round(long events, double limitRate, double limitCpuMicros, double rate, double readerMicros, double engineMicros,
                 double otherMicros, long gcMillis) {
    }

    /**
     * One rule set over every round.
     *
     * @param rules        rules deployed
     * @param compileSeconds compiling (or reading from the rule cache) and deploying the rules
     */
    record Measurement(String label, int rules, double compileSeconds, List<Round> rounds, PipelineStats stats,
                       double endOfInputMillis) {

        Round best() {
            return rounds.stream().max(Comparator.comparingDouble(Round::rate)).orElseThrow();
        }

        double bestLimit() {
            return rounds.stream().mapToDouble(Round::limitRate).max().orElse(0);
        }

        Round bestLimitRound() {
            return rounds.stream().max(Comparator.comparingDouble(Round::limitRate)).orElseThrow();
        }

        double medianRate() {
            return BenchCommand.medianOfLaterHalf(rounds.stream().map(Round::rate).toList());
        }

        double medianLimit() {
            return BenchCommand.medianOfLaterHalf(rounds.stream().map(Round::limitRate).toList());
        }
    }

    private final PrintStream out;

    InputBench(PrintStream out) {
        this.out = out;
    }

    /** @return 0, or 4 when the input holds no record */
    int run(Path input, int repeat, int rounds, List<Integer> ruleCounts, Path outDir) throws IOException, RuleLoadException {
        TrailSentryConfig config = StandaloneConfig.load(null);
        RepeatedInput records = RepeatedInput.read(input);
        if (records.records() == 0) {
            out.println("no CloudTrail record in " + input);
            return 4;
        }
        Path work = Files.createTempDirectory("trailsentry-bench-input");
        try {
            out.printf(Locale.ROOT, "input %s: %,d records (%.1f MB of JSON, %.2f KB/record%s) over %s of event time; "
                            + "writing %d round(s) of %,d copies end to end...%n",
                    input, records.records(), records.bytes() / 1e6, records.bytes() / 1024.0 / records.records(),
                    records.gzip() ? ", gzip" : "", human(records.span()), rounds, repeat);
            List<Path> files = new ArrayList<>();
            long perRound = 0;
            for (int r = 0; r < rounds; r++) {
                Path file = work.resolve("round-" + r + (records.gzip() ? ".jsonl.gz" : ".jsonl"));
                perRound = records.write(r, rounds, repeat, file);
                files.add(file);
            }
            long roundBytes = Files.size(files.get(0));

            Measurement shipped = measure(config, "rules of " + config.rules().dir(), Pipelines.engineSettings(config), files, true);
            List<Measurement> table = new ArrayList<>();
            for (int count : ruleCounts) {
                Path dir = work.resolve("rules-" + count);
                GeneratedRules.write(config.rules().dir(), count, dir);
                table.add(measure(config, count + " generated rules", Pipelines.engineSettings(config).withRulesDir(dir), files, false));
            }
            report(input, records, repeat, perRound, roundBytes, shipped, table, outDir);
        } finally {
            deleteTree(work);
        }
        return 0;
    }

    private Measurement measure(TrailSentryConfig config, String label, EngineSettings settings, List<Path> files, boolean limit)
            throws RuleLoadException, IOException {
        long c0 = System.nanoTime();
        List<Round> rounds = new ArrayList<>();
        try (DetectionPipeline pipeline = Pipelines.pipelineWithoutHistory(config, settings, 0, List.of(a -> { }), d -> { });
             PipelinedReplay replay = new PipelinedReplay(pipeline)) {
            double compileSeconds = (System.nanoTime() - c0) / 1e9;
            out.printf(Locale.ROOT, "%s: %d rules compiled and deployed in %.1f s%n", label, pipeline.ruleCount(), compileSeconds);
            for (int r = 0; r < files.size(); r++) {
                Path file = files.get(r);
                FieldReadingLimit.Result read = null;
                if (limit) {
                    System.gc();
                    read = FieldReadingLimit.read(file);
                }
                System.gc();
                long events0 = pipeline.stats().read();
                long gc0 = gcMillis();
                long process0 = processCpuNanos();
                long reader0 = THREADS.getCurrentThreadCpuTime();
                long engine0 = replay.engineCpuNanos();
                long t0 = System.nanoTime();
                replay.ingest(file);
                replay.drain();
                long wall = System.nanoTime() - t0;
                long reader = THREADS.getCurrentThreadCpuTime() - reader0;
                long engine = replay.engineCpuNanos() - engine0;
                long process = processCpuNanos() - process0;
                long events = Math.max(1, pipeline.stats().read() - events0);
                Round round = new Round(events, read == null ? 0 : read.recordsPerSecond(), read == null ? 0 : read.cpuMicrosPerRecord(),
                        events / (wall / 1e9), reader / 1e3 / events, engine / 1e3 / events,
                        process < 0 ? 0 : Math.max(0, process - reader - engine) / 1e3 / events, gcMillis() - gc0);
                rounds.add(round);
                out.printf(Locale.ROOT, "  round %d: %s%,.0f events/s end to end (CPU µs/event: reader %.2f, engine %.2f, other %.2f)%n",
                        r + 1, limit ? String.format(Locale.ROOT, "limit %,.0f records/s, ", round.limitRate()) : "",
                        round.rate(), round.readerMicros(), round.engineMicros(), round.otherMicros());
            }
            long t1 = System.nanoTime();
            replay.finish();
            double endOfInput = (System.nanoTime() - t1) / 1e6;
            return new Measurement(label, pipeline.ruleCount(), compileSeconds, rounds, pipeline.stats(), endOfInput);
        }
    }

    private void report(Path input, RepeatedInput records, int repeat, long perRound, long roundBytes, Measurement shipped,
                        List<Measurement> table, Path outDir) throws IOException {
        Round best = shipped.best();
        Round bestLimit = shipped.bestLimitRound();
        double ratio = best.rate() / bestLimit.limitRate();
        double medianRatio = shipped.medianRate() / shipped.medianLimit();
        int rounds = shipped.rounds().size();
        PipelineStats stats = shipped.stats();
        out.println();
        out.println("| measure | value |");
        out.println("|---|---|");
        java.time.Duration roundSpan = records.period().multipliedBy(repeat);
        out.printf(Locale.ROOT, "| input | %s: %,d records (%.2f KB/record%s) × %,d copies end to end = %,d records a round (%.1f MB), %d rounds |%n",
                input.getFileName(), records.records(), records.bytes() / 1024.0 / records.records(), records.gzip() ? ", gzip" : "",
                repeat, perRound, roundBytes / 1e6, rounds);
        out.printf(Locale.ROOT, "| event time a round | %s, %,.0f events a minute of it (the housekeeping timers cost per minute) |%n",
                human(roundSpan), perRound / Math.max(1.0, roundSpan.toMillis() / 60_000.0));
        out.printf(Locale.ROOT, "| field-reading limit, one thread (Jackson streaming, needed fields only), best round | %,.0f records/s (%.2f µs CPU/record) |%n",
                bestLimit.limitRate(), bestLimit.limitCpuMicros());
        out.printf(Locale.ROOT, "| end-to-end replay, %d rules, both cores, best round | %,.0f events/s |%n", shipped.rules(), best.rate());
        out.printf(Locale.ROOT, "| end-to-end / limit | %.0f %% (target ≥ 60 %%) |%n", ratio * 100);
        out.printf(Locale.ROOT, "| median of the later %d rounds: limit / end-to-end / ratio | %,.0f / %,.0f / %.0f %% |%n",
                rounds - rounds / 2, shipped.medianLimit(), shipped.medianRate(), medianRatio * 100);
        // On a shared machine the wall-clock rates move with the neighbours' load; CPU time per event
        // does much less. What each side would do with a core of its own: the limit's one thread, and
        // end to end the slower of the two threads (they overlap, so it sets the rate).
        double limitCpuRate = 1e6 / bestLimit.limitCpuMicros();
        double e2eCpuRate = 1e6 / Math.max(best.readerMicros(), best.engineMicros());
        out.printf(Locale.ROOT, "| the same from CPU time, a core each: limit / end-to-end (slower thread) / ratio | %,.0f / %,.0f / %.0f %% |%n",
                limitCpuRate, e2eCpuRate, e2eCpuRate / limitCpuRate * 100);
        out.printf(Locale.ROOT, "| CPU per event, best round: reader thread / engine thread / rest of the process (GC, JIT) | %.2f / %.2f / %.2f µs |%n",
                best.readerMicros(), best.engineMicros(), best.otherMicros());
        out.printf(Locale.ROOT, "| GC time, best round | %,d ms |%n", best.gcMillis());
        out.printf(Locale.ROOT, "| events read / rejected / late / duplicates, all rounds | %,d / %,d / %,d / %,d |%n",
                stats.read(), stats.rejected(), stats.engine().late(), stats.engine().duplicates());
        out.printf(Locale.ROOT, "| alerts, all rounds: for analysts / building blocks | %,d / %,d |%n", stats.forAnalysts(), stats.buildingBlocks());
        out.printf(Locale.ROOT, "| rules compiled (or read from the rule cache) and deployed | %.1f s |%n", shipped.compileSeconds());
        out.printf(Locale.ROOT, "| end of input (flush the reorder buffer, close every window), once | %,.0f ms |%n", shipped.endOfInputMillis());
        out.printf(Locale.ROOT, "| machine | %d cores, Java %s, max heap %,.0f MB |%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / 1e6);

        if (!table.isEmpty()) {
            double base = table.get(0).best().engineMicros();
            out.println();
            out.println("| rules | compile + deploy | events/s (best round) | µs/event, wall | engine thread CPU µs/event | relative cost (engine CPU) | all threads CPU µs/event | alerts |");
            out.println("|---|---|---|---|---|---|---|---|");
            for (Measurement m : table) {
                printRow(m, String.format(Locale.ROOT, "%,d generated (%d single-call, %d window)", m.rules(), m.rules() - m.rules() / 10, m.rules() / 10), base);
            }
            printRow(shipped, String.format(Locale.ROOT, "%,d shipped (for reference)", shipped.rules()), base);
        }

        ObjectNode json = AlertJson.mapper().createObjectNode();
        json.put("timestamp", Instant.now().toString());
        json.put("input", input.toString());
        json.put("inputRecords", records.records());
        json.put("repeat", repeat);
        json.put("recordsPerRound", perRound);
        json.put("roundBytes", roundBytes);
        json.put("rounds", rounds);
        json.put("roundEventTimeMinutes", roundSpan.toMinutes());
        json.put("rules", shipped.rules());
        json.put("limitRecordsPerSecond", Math.round(bestLimit.limitRate()));
        json.put("limitCpuMicrosPerRecord", round2(bestLimit.limitCpuMicros()));
        json.put("endToEndEventsPerSecond", Math.round(best.rate()));
        json.put("ratio", Math.round(ratio * 1000) / 1000.0);
        json.put("limitCpuRecordsPerSecond", Math.round(limitCpuRate));
        json.put("endToEndCpuEventsPerSecond", Math.round(e2eCpuRate));
        json.put("medianLimitRecordsPerSecond", Math.round(shipped.medianLimit()));
        json.put("medianEndToEndEventsPerSecond", Math.round(shipped.medianRate()));
        json.put("readerThreadMicrosPerEvent", round2(best.readerMicros()));
        json.put("engineThreadMicrosPerEvent", round2(best.engineMicros()));
        json.put("otherMicrosPerEvent", round2(best.otherMicros()));
        json.put("gcMillis", best.gcMillis());
        json.put("eventsRead", stats.read());
        json.put("rejected", stats.rejected());
        json.put("late", stats.engine().late());
        json.put("alertsForAnalysts", stats.forAnalysts());
        json.put("compileSeconds", round2(shipped.compileSeconds()));
        ArrayNode rows = json.putArray("ruleCounts");
        for (Measurement m : table) {
            ObjectNode row = rows.addObject();
            row.put("rules", m.rules());
            row.put("compileSeconds", round2(m.compileSeconds()));
            row.put("eventsPerSecond", Math.round(m.best().rate()));
            row.put("wallMicrosPerEvent", round2(1e6 / m.best().rate()));
            row.put("engineMicrosPerEvent", round2(m.best().engineMicros()));
            row.put("relativeCost", round2(m.best().engineMicros() / table.get(0).best().engineMicros()));
            row.put("allThreadsMicrosPerEvent", round2(m.best().readerMicros() + m.best().engineMicros() + m.best().otherMicros()));
            row.put("alerts", m.stats().alerts());
        }
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        Files.createDirectories(outDir);
        Path file = outDir.resolve("bench-input-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + ".json");
        AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        Files.copy(file, outDir.resolve("bench-input-latest.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        out.println("\nwritten to " + file);
    }

    private void printRow(Measurement m, String rules, double base) {
        Round best = m.best();
        out.printf(Locale.ROOT, "| %s | %.1f s | %,.0f | %.2f | %.2f | %.2f× | %.2f | %,d |%n", rules, m.compileSeconds(), best.rate(),
                1e6 / best.rate(), best.engineMicros(), best.engineMicros() / base,
                best.readerMicros() + best.engineMicros() + best.otherMicros(), m.stats().alerts());
    }

    static String human(java.time.Duration d) {
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + " hours";
        }
        return Math.max(1, d.toMinutes()) + " min";
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /** The whole process's CPU time (every thread, the collector's and the JIT's included); -1 when the JVM cannot tell. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
