package io.trailsentry.bench;

import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.pipeline.Pipelines;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.CloudTrailReader;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.PipelinedReplay;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.sample.EnumerationBurst;
import io.trailsentry.sample.PrivilegeEscalationChain;
import io.trailsentry.sample.Payloads;
import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmarks' command line; {@code --input FILE} is {@link InputBench} (real records: the limit,
 * end to end, the rule-count table), {@code --backtest} is {@link BacktestBench}, {@code --latency}
 * {@link LatencyBench}, {@code --representations} {@link RepresentationBench}. Without them:
 * {@code bench [--events N] [--seed S] [--principals P] [--rounds R]}: generates a realistic mixed
 * CloudTrail stream in memory (many principals, 1–2 KB records, a few attacks), then measures in one
 * run parse-only throughput (the JSON-parse limit) and end-to-end replay (parse → normalise → context
 * → Esper with every rule in {@code epl/} → scorer → alert sink), their ratio and the peak heap.
 * Prints a table and writes the same figures as JSON under {@code target/bench/}.
 */
public final class BenchCommand {

    static final String USAGE = "usage: trailsentry bench [--events N] [--seed S] [--principals P] [--rounds R] [--out DIR]\n"
            + "       trailsentry bench --actors N   (state per active actor: N actors each active in every window, retained heap after GC)\n"
            + "       trailsentry bench --latency [--rate R] [--seconds S] [--heap-every SECONDS] [--new-principals SHARE] [--burst-at MINUTE]\n"
            + "                         [--streamed]  (live path: arrival → alert percentiles at a steady rate, each 10 ms payload evaluated\n"
            + "                                        whole as the server does; --streamed: records one by one, released by the max-hold;\n"
            + "                                        heap trend for a soak)\n"
            + "       trailsentry bench --peers [--events N] [--rounds R]\n"
            + "                                     (two rules on TrailSentry, Siddhi and plain Java side by side; run by bin/trailsentry)\n"
            + "       trailsentry bench --representations [--events N] [--seed S] [--principals P] [--rounds R]\n"
            + "                                     (Esper event representation: bean vs Map vs object array vs JSON on one rule mix)\n"
            + "       trailsentry bench --input FILE [--repeat N] [--rounds R] [--rule-counts 16,100,300,1000|none]\n"
            + "                                     (real records: the one-thread field-reading limit, end-to-end replay with every rule,\n"
            + "                                      their ratio, CPU per event per thread, and the throughput by number of generated rules)\n"
            + "       trailsentry bench --backtest [--events N] [--principals P] [--seed S]\n"
            + "                                     (rules backtest over a day of generated traffic: events/s through both rule sets)";

    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(List<String> args) {
        long events = 200_000;
        long seed = SampleSpec.DEFAULT_SEED;
        int principals = 2_000;
        int rounds = 0; // per command: see below
        int actors = 0;
        boolean latency = false;
        boolean representations = false;
        int rate = 10_000;
        int seconds = 30;
        int heapEvery = 0;
        double newPrincipals = 0;
        int burstAt = -1;
        boolean streamed = false;
        Path input = null;
        int repeat = 1;
        List<Integer> ruleCounts = InputBench.DEFAULT_RULE_COUNTS;
        boolean backtest = false;
        Path outDir = Path.of("target", "bench");
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--events" -> events = Long.parseLong(args.get(++i));
                    case "--seed" -> seed = Long.parseLong(args.get(++i));
                    case "--principals" -> principals = Integer.parseInt(args.get(++i));
                    case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                    case "--out" -> outDir = Path.of(args.get(++i));
                    case "--actors" -> actors = Integer.parseInt(args.get(++i));
                    case "--latency" -> latency = true;
                    case "--representations" -> representations = true;
                    case "--rate" -> rate = Integer.parseInt(args.get(++i));
                    case "--seconds" -> seconds = Integer.parseInt(args.get(++i));
                    case "--heap-every" -> heapEvery = Integer.parseInt(args.get(++i));
                    case "--new-principals" -> newPrincipals = Double.parseDouble(args.get(++i));
                    case "--burst-at" -> burstAt = Integer.parseInt(args.get(++i));
                    case "--streamed" -> streamed = true;
                    case "--input" -> input = Path.of(args.get(++i));
                    case "--repeat" -> repeat = Integer.parseInt(args.get(++i));
                    case "--rule-counts" -> ruleCounts = ruleCounts(args.get(++i));
                    case "--backtest" -> backtest = true;
                    case "--peers" -> {
                        // The peer engines are test-scope dependencies, kept out of this jar on purpose.
                        err.println("bench --peers runs from the test class path (the peer engines are not in this jar): "
                                + "use bin/trailsentry bench --peers");
                        return 2;
                    }
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        err.println("unknown option " + args.get(i) + "\n" + USAGE);
                        return 2;
                    }
                }
            }
            if (args.contains("--rounds") && rounds < 1) {
                throw new IllegalArgumentException("--rounds must be positive");
            }
            if (repeat < 1) {
                throw new IllegalArgumentException("--repeat must be positive");
            }
            if (input != null && !Files.isRegularFile(input)) {
                throw new IllegalArgumentException("--input " + input + " is not a file");
            }
        } catch (RuntimeException e) {
            err.println("bad arguments: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try {
            if (representations) {
                rounds = rounds > 0 ? rounds : 3;
                return new RepresentationBench(out).run(events, seed, principals, rounds, outDir);
            }
            if (input != null) {
                return new InputBench(out).run(input, repeat, rounds > 0 ? rounds : 3, ruleCounts, outDir);
            }
            if (backtest) {
                return new BacktestBench(out).run(events, principals, seed, outDir);
            }
            if (latency) {
                return new LatencyBench(out).run(rate, seconds, heapEvery, newPrincipals, burstAt, streamed, outDir);
            }
            if (actors > 0) {
                return actorMemory(actors, outDir);
            }
            // The first rounds warm the JIT up; eight leave the later half warm.
            return bench(events, seed, principals, rounds > 0 ? rounds : 8, outDir);
        } catch (RuleLoadException e) {
            err.println("rules did not load:\n" + e.getMessage());
            return 3;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("cannot read the input or write results: " + e.getMessage());
            return 1;
        }
    }

    /** {@code 16,100,300,1000}, or {@code none} for no rule-count table. */
    static List<Integer> ruleCounts(String text) {
        if (text.equals("none")) {
            return List.of();
        }
        List<Integer> counts = new ArrayList<>();
        for (String part : text.split(",")) {
            int count = Integer.parseInt(part.trim());
            if (count < 1) {
                throw new IllegalArgumentException("--rule-counts takes positive numbers, got " + count);
            }
            counts.add(count);
        }
        return List.copyOf(counts);
    }

    /** The benchmark stream: background calls of many principals plus an enumeration burst and a privilege-escalation chain. */
    static SampleSpec mixedStream(long seed, long events, int principals) {
        return mixedStream(seed, events, principals, 0);
    }

    /** Background events per second of event time: see {@link #mixedStream(long, long, int, int)}. */
    static final double BACKGROUND_EVENTS_PER_SECOND = 100;

    /**
     * The benchmark stream, {@code week} weeks later: the same principals on the same weekday and
     * time of day (so the same context: working hours, baselines), fresh calls and event ids. A week also
     * outlasts the scorer's 24-hour incident horizon, so every week's attack opens and escalates its
     * own incident and every round does the same work.
     */
    static SampleSpec mixedStream(long seed, long events, int principals, int week) {
        Instant start = Instant.parse("2026-01-20T08:00:00Z").plus(Duration.ofDays(7L * week));
        // 100 events/s of event time (8.6 million a day, a large account): 200,000 events span 33
        // minutes, several times the five minutes the reorder buffer holds, and the attacks (the chain
        // takes 11 minutes) run inside the background traffic. At 500 events/s the stream spanned less
        // than seven minutes and the attacks came after it: their events moved the watermark past
        // most of the background at once, so every round ended with the engine evaluating three
        // quarters of it alone while the reader had nothing left to parse.
        // Seed + week: fresh calls and eventIDs every week from the same principals (the generator's
        // cast does not depend on the seed). The same ids a week later would be repeats to the dedup
        // set for as long as it remembers them.
        SampleSpec background = SampleSpec.sizedFor(seed + week, start, events, BACKGROUND_EVENTS_PER_SECOND, principals, List.of());
        Duration span = background.duration();
        // The burst starts a minute into a 10-minute bin, so the Sentinel port's bins see it whole
        // (a burst across a bin edge is what only the sliding rule catches).
        long bin = Duration.ofMinutes(10).toMillis();
        Instant burst = Instant.ofEpochMilli(start.plus(span.dividedBy(4)).toEpochMilli() / bin * bin).plus(Duration.ofMinutes(1));
        return background.withScenarios(List.of(
                new EnumerationBurst("build-bot", burst, "203.0.113.42"),
                new PrivilegeEscalationChain("marketing-uploader", start.plus(span.dividedBy(2)), "203.0.113.99")));
    }

    /**
     * One long replay through one pipeline, measured a week at a time: round r feeds week r of the
     * stream. The rules are compiled and deployed once, so the JIT works on one set of generated
     * classes, as in a long replay or a server. (A fresh runtime per round made every round pay for
     * compiling the rules and re-JITting their classes: the C2 compiler took most of a core away from
     * the two replay threads.) A round ends when the engine has taken every event read
     * ({@link PipelinedReplay#drain}), not at the end of the input: the reorder buffer keeps the last
     * minutes it holds for late events, and the next round releases them, as a replay does every few
     * minutes of event time. Ending the input each round made half of each round a single-threaded
     * flush of the buffer, which a replay pays once at its very end; that end is reported on its own.
     */
    private int bench(long events, long seed, int principals, int rounds, Path outDir) throws RuleLoadException, IOException {
        out.printf(Locale.ROOT, "generating %,d events a round (%d principals, seed %d, round r is week r of one replay)...%n",
                events, principals, seed);
        TrailSentryConfig config = StandaloneConfig.load(null);
        CloudTrailReader reader = new CloudTrailReader();
        double parseRate = 0;
        double e2eRate = 0;
        CpuSplit bestSplit = null;
        long peakHeap = 0;
        List<Double> parseRates = new ArrayList<>();
        List<Double> e2eRates = new ArrayList<>();
        long records = 0;
        long bytes = 0;
        long totalRecords = 0;
        AtomicLong alertCount = new AtomicLong();
        Map<String, Integer> alertsByRule = new ConcurrentSkipListMap<>();
        double endOfInputSeconds;
        long c0 = System.nanoTime();
        try (DetectionPipeline pipeline = Pipelines.pipelineWithoutHistory(config, Pipelines.engineSettings(config), 0,
                List.of(a -> {
                    alertCount.incrementAndGet();
                    alertsByRule.merge(a.rule().ruleName(), 1, Integer::sum);
                }), d -> { });
             PipelinedReplay replay = new PipelinedReplay(pipeline)) {
            out.printf(Locale.ROOT, "rules compiled and deployed in %.1f s%n", (System.nanoTime() - c0) / 1e9);
            for (int round = 1; round <= rounds; round++) {
                List<byte[]> generated = new SampleGenerator(mixedStream(seed, events, principals, round - 1)).recordBytes();
                List<byte[]> chunks = Payloads.newlineDelimited(generated, Payloads.DELIVERY_FILE_RECORDS);
                bytes = chunks.stream().mapToLong(c -> c.length).sum();
                records = generated.size();
                totalRecords += records;

                System.gc();
                long t0 = System.nanoTime();
                AtomicLong parsed = new AtomicLong();
                for (byte[] chunk : chunks) {
                    reader.read(chunk, "bench", e -> parsed.incrementAndGet(), d -> { });
                }
                double parseSeconds = (System.nanoTime() - t0) / 1e9;

                System.gc();
                resetPeaks();
                long alertsBefore = alertCount.get();
                long t1 = System.nanoTime();
                long readerCpu0 = THREADS.getCurrentThreadCpuTime();
                long engineCpu0 = replay.engineCpuNanos();
                long gc0 = gcMillis();
                // as a replay runs it: parsing on this thread, context, rules and scorer on a second one
                for (byte[] chunk : chunks) {
                    replay.ingest(chunk, "bench");
                }
                replay.drain();
                double e2eSeconds = (System.nanoTime() - t1) / 1e9;
                long readerCpu = THREADS.getCurrentThreadCpuTime() - readerCpu0;
                long engineCpu = replay.engineCpuNanos() - engineCpu0;
                long gcTime = gcMillis() - gc0;
                double pr = parsed.get() / parseSeconds;
                double er = records / e2eSeconds;
                out.printf(Locale.ROOT, "round %d: parse-only %,.0f events/s, end-to-end %,.0f events/s, %d alerts fired%n",
                        round, pr, er, alertCount.get() - alertsBefore);
                // Best round: the first ones warm the JIT up, as a long-running replay or server would be.
                if (er > e2eRate) {
                    e2eRate = er;
                    bestSplit = new CpuSplit(readerCpu / 1e3 / records, engineCpu / 1e3 / records, gcTime);
                }
                parseRate = Math.max(parseRate, pr);
                parseRates.add(pr);
                e2eRates.add(er);
                peakHeap = Math.max(peakHeap, peakHeapBytes());
            }
            long t2 = System.nanoTime();
            replay.finish();
            endOfInputSeconds = (System.nanoTime() - t2) / 1e9;
        }
        long alerts = alertCount.get();
        double ratio = e2eRate / parseRate;
        long maxHeap = Runtime.getRuntime().maxMemory();
        out.println();
        out.println("| measure | value |");
        out.println("|---|---|");
        out.printf(Locale.ROOT, "| events | %,d (%,.1f MB, %.2f KB/record) |%n", records, bytes / 1e6, bytes / 1024.0 / records);
        out.printf(Locale.ROOT, "| parse-only | %,.0f events/s |%n", parseRate);
        out.printf(Locale.ROOT, "| end-to-end replay (all %s rules) | %,.0f events/s |%n", config.rules().dir(), e2eRate);
        out.printf(Locale.ROOT, "| end-to-end / parse-only | %.0f %% |%n", ratio * 100);
        double medianParse = medianOfLaterHalf(parseRates);
        double medianE2e = medianOfLaterHalf(e2eRates);
        out.printf(Locale.ROOT, "| median of the later %d rounds: parse-only / end-to-end / ratio | %,.0f / %,.0f events/s / %.0f %% |%n",
                rounds - rounds / 2, medianParse, medianE2e, medianE2e / medianParse * 100);
        if (bestSplit != null) {
            out.printf(Locale.ROOT, "| CPU per event, end-to-end: reader thread / engine thread | %.2f µs / %.2f µs |%n",
                    bestSplit.readerMicros(), bestSplit.engineMicros());
            out.printf(Locale.ROOT, "| GC time during end-to-end | %,d ms |%n", bestSplit.gcMillis());
        }
        out.printf(Locale.ROOT, "| end of input (flush the reorder buffer, close every window), once | %,.0f ms |%n", endOfInputSeconds * 1e3);
        out.printf(Locale.ROOT, "| alerts, %d rounds (%,d events) | %d: %s |%n", rounds, totalRecords, alerts, alertsByRule);
        out.printf(Locale.ROOT, "| peak heap during end-to-end | %,.0f MB (max %,.0f MB) |%n", peakHeap / 1e6, maxHeap / 1e6);
        out.printf(Locale.ROOT, "| machine | %d cores, Java %s |%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        ObjectNode json = AlertJson.mapper().createObjectNode();
        json.put("timestamp", Instant.now().toString());
        json.put("events", records);
        json.put("bytes", bytes);
        json.put("parseOnlyEventsPerSecond", Math.round(parseRate));
        json.put("endToEndEventsPerSecond", Math.round(e2eRate));
        json.put("ratio", Math.round(ratio * 1000) / 1000.0);
        json.put("medianParseOnlyEventsPerSecond", Math.round(medianParse));
        json.put("medianEndToEndEventsPerSecond", Math.round(medianE2e));
        json.put("alerts", alerts);
        json.set("alertsByRule", AlertJson.mapper().valueToTree(alertsByRule));
        json.put("endOfInputMillis", Math.round(endOfInputSeconds * 1e3));
        json.put("rounds", rounds);
        if (bestSplit != null) {
            json.put("readerThreadMicrosPerEvent", Math.round(bestSplit.readerMicros() * 100) / 100.0);
            json.put("engineThreadMicrosPerEvent", Math.round(bestSplit.engineMicros() * 100) / 100.0);
            json.put("gcMillis", bestSplit.gcMillis());
        }
        json.put("peakHeapBytes", peakHeap);
        json.put("maxHeapBytes", maxHeap);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        json.put("seed", seed);
        json.put("principals", principals);
        Files.createDirectories(outDir);
        Path file = outDir.resolve("bench-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + ".json");
        AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        Files.copy(file, outDir.resolve("bench-latest.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        out.println("\nwritten to " + file);
        return 0;
    }

    /**
     * State per active actor: {@code actors} principals each make, within ten minutes, the calls that
     * put them in every per-actor structure (enumeration and discovery windows, denied-call and
     * object-read windows, learned baselines, an incident); the retained heap after a full GC, less
     * the engine's own footprint, divided by the actor count.
     */
    private int actorMemory(int actors, Path outDir) throws RuleLoadException, IOException {
        TrailSentryConfig config = StandaloneConfig.load(null);
        AtomicLong alerts = new AtomicLong();
        try (DetectionPipeline pipeline = Pipelines.pipelineWithoutHistory(config, Pipelines.engineSettings(config), actors,
                List.of(a -> alerts.incrementAndGet()), d -> { })) {
            long base = retainedHeap();
            Instant t0 = Instant.parse("2026-01-20T10:00:00Z");
            String[] calls = {"ListUsers", "GetObject", "GetObject", "DescribeInstances", "ListRoles"};
            String[] sources = {"iam", "s3", "s3", "ec2", "iam"};
            long n = 0;
            for (int round = 0; round < calls.length; round++) {
                for (int a = 0; a < actors; a++) {
                    // Spread over 5 minutes so every actor is live in every 10-minute window at the end.
                    Instant time = t0.plusMillis(round * 60_000L + (long) a * 60_000L / actors);
                    pipeline.accept(io.trailsentry.ingest.CloudTrailEvent.builder()
                            .eventID("mem-" + round + "-" + a).eventTime(time).eventName(calls[round])
                            .eventSource(sources[round] + ".amazonaws.com").awsRegion("us-east-1")
                            .sourceIPAddress("198.51." + (a >> 8 & 255) + "." + (a & 255)).userAgent("aws-cli/2.15.28")
                            .errorCode(round == 4 ? "AccessDenied" : null).userIdentityType("IAMUser")
                            .principalId("AIDA" + a).arn("arn:aws:iam::123456789012:user/actor-" + a)
                            .accountId("123456789012").userName("actor-" + a).accessKeyId("AKIA" + a).build());
                    n++;
                }
            }
            // One later event moves the watermark past them all: released to the rules (not held for
            // reordering), and still inside every 10-minute window.
            pipeline.accept(io.trailsentry.ingest.CloudTrailEvent.builder().eventID("mem-tick").eventTime(t0.plusSeconds(600))
                    .eventName("GetCallerIdentity").eventSource("sts.amazonaws.com").userIdentityType("AWSService").build());
            long pending = pipeline.stats().engine().pending();
            long used = retainedHeap() - base;
            double perActor = (double) used / actors;
            out.printf(Locale.ROOT, "| active actors | %,d (%,d events, %d still held for reordering) |%n", actors, n, pending);
            out.printf(Locale.ROOT, "| retained heap for them | %,.0f MB |%n", used / 1e6);
            out.printf(Locale.ROOT, "| per active actor | %,.0f bytes |%n", perActor);
            out.printf(Locale.ROOT, "| 100k actors would need | %,.0f MB |%n", perActor * 100_000 / 1e6);
            ObjectNode json = AlertJson.mapper().createObjectNode();
            json.put("timestamp", Instant.now().toString());
            json.put("actors", actors);
            json.put("retainedBytes", used);
            json.put("bytesPerActor", Math.round(perActor));
            Files.createDirectories(outDir);
            AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("bench-actors-latest.json").toFile(), json);
            // keep the pipeline reachable until measured
            if (pipeline.stats().read() < 0) {
                out.println(alerts.get());
            }
        }
        return 0;
    }

    /** The median of the later half of the rounds (the earlier ones warm the JIT): steadier than the best on a shared machine. */
    static double medianOfLaterHalf(List<Double> rates) {
        List<Double> later = new ArrayList<>(rates.subList(rates.size() / 2, rates.size()));
        later.sort(null);
        int n = later.size();
        return n % 2 == 1 ? later.get(n / 2) : (later.get(n / 2 - 1) + later.get(n / 2)) / 2;
    }

    /** Used heap after full collections: what is still reachable. */
    static long retainedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Where the end-to-end time goes: CPU per event on the thread that reads and parses, on the one
     * that runs context, rules and scorer, and the collector's pauses. The slower thread sets the rate.
     */
    private record CpuSplit(double readerMicros, double engineMicros, long gcMillis) {
    }

    private static long gcMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks since the last reset: an upper bound of the live heap at any moment. */
    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
