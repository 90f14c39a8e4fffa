package io.trailsentry.bench.peers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.CloudTrailReader;
import io.trailsentry.sample.SampleSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code bin/trailsentry bench --peers}: the IAM-enumeration bins and the privilege-after-discovery
 * sequence on TrailSentry's engine path, on Siddhi, and on a hand-written Java baseline, fed the same
 * parsed and enriched events in one run. Prints events/s, the ratio to TrailSentry and to parse-only,
 * the alerts, whether each implementation's alerts equal TrailSentry's, and the state each held at
 * the end of the input; writes the same as JSON under {@code target/bench/}.
 *
 * <p>Lives in test scope with the peer engines, so neither reaches the production jar; the launcher
 * runs it from the test classpath.
 */
public final class PeersBench {

    static final String USAGE = "usage: trailsentry bench --peers [--events N] [--seed S] [--principals P] [--rate EVENTS_PER_SECOND]\n"
            + "                          [--privilege-every N] [--rounds R] [--rules DIR] [--out DIR]\n"
            + "  the two rules (Sentinel IAM-enumeration bins, privilege call after discovery) on TrailSentry,\n"
            + "  Siddhi and a plain-Java baseline over the same events: events/s, ratios, alerts, agreement, state";

    private final PrintStream out;
    private final PrintStream err;

    PeersBench(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String... args) {
        // A batch command's output is its own table, not the engines' start-up chatter.
        Logger.getLogger("com.espertech").setLevel(Level.WARNING);
        Logger.getLogger("io.siddhi").setLevel(Level.WARNING);
        int code = new PeersBench(System.out, System.err).run(List.of(args));
        System.out.flush();
        System.exit(code);
    }

    /** Options as given; the defaults describe the figures in README. */
    record Options(long events, long seed, int principals, double rate, int privilegeEvery, int rounds, Path rulesDir, Path outDir) {
    }

    int run(List<String> args) {
        long events = 200_000;
        long seed = SampleSpec.DEFAULT_SEED;
        int principals = 2_000;
        double rate = 100;
        int privilegeEvery = 1000;
        int rounds = 8; // the first rounds warm every engine up
        Path rulesDir = Path.of(System.getProperty("trailsentry.rules.dir", "epl"));
        Path outDir = Path.of("target", "bench");
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--peers" -> { } // the launcher's switch to this command
                    case "--events" -> events = Long.parseLong(args.get(++i));
                    case "--seed" -> seed = Long.parseLong(args.get(++i));
                    case "--principals" -> principals = Integer.parseInt(args.get(++i));
                    case "--rate" -> rate = Double.parseDouble(args.get(++i));
                    case "--privilege-every" -> privilegeEvery = Integer.parseInt(args.get(++i));
                    case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                    case "--rules" -> rulesDir = Path.of(args.get(++i));
                    case "--out" -> outDir = Path.of(args.get(++i));
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
            if (events < 1 || principals < 1 || rounds < 1 || !(rate > 0) || privilegeEvery < 0) {
                throw new IllegalArgumentException("--events, --principals, --rounds and --rate must be positive, --privilege-every not negative");
            }
        } catch (RuntimeException e) {
            err.println("bad arguments: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try {
            return bench(new Options(events, seed, principals, rate, privilegeEvery, rounds, rulesDir, outDir));
        } catch (RuleLoadException e) {
            err.println("rules did not load:\n" + e.getMessage());
            return 3;
        } catch (IOException e) {
            err.println(e.getMessage());
            return 1;
        } catch (Exception | Error e) {
            err.println("benchmark failed:");
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * One implementation over the whole run: a single session (engine, runtime, SiddhiQL app) fed one
     * week of the stream per round, so its classes are warm after the first rounds (Esper generates
     * and loads classes for each deployment: a fresh runtime per round was timed while the JIT was
     * still compiling them, a cost the peers, interpreting their queries with classes loaded once, did
     * not pay). Best round by wall clock and by CPU apart.
     */
    private static final class Result {
        final PeerEngine engine;
        PeerEngine.Session session;
        double bestSeconds = Double.MAX_VALUE;
        double bestCpuSeconds = Double.MAX_VALUE;
        double finishSeconds;
        List<AlertKey> alerts = List.of();
        long stateBytes = -1;

        Result(PeerEngine engine) {
            this.engine = engine;
        }

        void add(EngineRun.Timing round) {
            bestSeconds = Math.min(bestSeconds, round.seconds());
            bestCpuSeconds = Math.min(bestCpuSeconds, round.cpuSeconds());
        }

        double rate(int events) {
            return events / bestSeconds;
        }

        double cpuRate(int events) {
            return bestCpuSeconds > 0 ? events / bestCpuSeconds : 0;
        }

        long count(String rule) {
            return alerts.stream().filter(k -> k.rule().equals(rule)).count();
        }
    }

    /** Parse-only throughput of the raw input, best round: the ceiling a replay works under. */
    private record ParseOnly(double eventsPerSecond, double eventsPerCpuSecond) {

        static ParseOnly measure(List<byte[]> chunks, int rounds) {
            CloudTrailReader reader = new CloudTrailReader();
            double rate = 0;
            double cpuRate = 0;
            for (int round = 1; round <= rounds; round++) {
                AtomicLong parsed = new AtomicLong();
                long c0 = EngineRun.cpuNanos();
                long t0 = System.nanoTime();
                for (byte[] chunk : chunks) {
                    reader.read(chunk, "peers-bench", e -> parsed.incrementAndGet(), d -> { });
                }
                rate = Math.max(rate, parsed.get() / ((System.nanoTime() - t0) / 1e9));
                long cpu = EngineRun.cpuNanos() - c0;
                cpuRate = cpu > 0 ? Math.max(cpuRate, parsed.get() / (cpu / 1e9)) : 0;
            }
            return new ParseOnly(rate, cpuRate);
        }
    }

    private int bench(Options o) throws Exception {
        SampleSpec spec = PreparedStream.spec(o.seed(), o.events(), o.rate(), o.principals());
        out.printf(Locale.ROOT, "generating %,d background events (%d principals, %.0f events/s of event time, %d attacks, seed %d)...%n",
                o.events(), o.principals(), o.rate(), spec.scenarios().size(), o.seed());
        List<byte[]> chunks = PreparedStream.rawChunks(spec);
        ParseOnly parseOnly = ParseOnly.measure(chunks, o.rounds());
        PreparedStream stream = PreparedStream.parse(chunks, o.rulesDir().resolve("stages.yaml"), List.of(), o.privilegeEvery());
        chunks = null; // only the parsed events stay in memory while the engines run
        List<CloudTrailEvent> events = stream.events();
        Duration span = Duration.ofMillis(events.get(events.size() - 1).getEventTimeMillis() - events.get(0).getEventTimeMillis());
        out.printf(Locale.ROOT, "prepared %,d events (%,.1f MB of JSON, %d rejected, %d duplicate ids dropped, %s), %s of event time%n",
                events.size(), stream.bytes() / 1e6, stream.rejected(), stream.duplicates(),
                o.privilegeEvery() > 0 ? "a privilege call after 1 in " + o.privilegeEvery() + " calls" : "no background privilege calls", span);

        TrailSentryEnginePath trailSentry = TrailSentryEnginePath.compile(o.rulesDir());
        List<Result> results = new ArrayList<>();
        results.add(new Result(trailSentry));
        results.add(new Result(trailSentry.esperAlone()));
        SiddhiPeer.both().forEach(siddhi -> results.add(new Result(siddhi)));
        results.add(new Result(new PlainJavaBaseline()));
        // State first, on fresh sessions over week 0 (a retained-heap measurement per implementation
        // needs the others closed); untimed.
        for (Result r : results) {
            r.stateBytes = EngineRun.measure(r.engine, events, true).stateBytes();
        }
        try {
            for (Result r : results) {
                r.session = r.engine.open();
            }
            for (int round = 1; round <= o.rounds(); round++) {
                List<CloudTrailEvent> week = round == 1 ? events : PreparedStream.shifted(events, round - 1);
                StringBuilder line = new StringBuilder("round " + round + " (week " + (round - 1) + "):");
                for (Result r : results) {
                    int before = r.session.alerts().size();
                    EngineRun.Timing timing = EngineRun.feed(r.session, week);
                    r.add(timing);
                    line.append(String.format(Locale.ROOT, "  %s %,.0f events/s (%d alerts);", r.engine.name(),
                            week.size() / timing.seconds(), r.session.alerts().size() - before));
                }
                out.println(line);
            }
            for (Result r : results) {
                long t0 = System.nanoTime();
                r.session.finish();
                r.finishSeconds = (System.nanoTime() - t0) / 1e9;
                r.alerts = List.copyOf(r.session.alerts());
            }
        } finally {
            for (Result r : results) {
                if (r.session != null) {
                    r.session.close();
                }
            }
        }

        Figures figures = new Figures(events.size(), parseOnly, results);
        printTable(figures);
        Path file = writeJson(figures, o, spec, stream, span);
        out.println("\nwritten to " + file);
        if (!figures.allAgree()) {
            err.println("\nthe implementations disagree with TrailSentry's alerts:");
            for (Result r : results) {
                Agreement a = figures.agreements.get(r);
                a.missing().stream().limit(10).forEach(k -> err.println("  " + r.engine.name() + " misses  " + k));
                a.extra().stream().limit(10).forEach(k -> err.println("  " + r.engine.name() + " adds    " + k));
            }
            return 1;
        }
        return 0;
    }

    /** The results set against the reference (TrailSentry) and parse-only. */
    private static final class Figures {
        final int events;
        final ParseOnly parseOnly;
        final List<Result> results;
        final Result reference;
        final double referenceRate;
        final double referenceCpuRate;
        final Map<Result, Agreement> agreements = new LinkedHashMap<>();
        final List<Result> peers;

        Figures(int events, ParseOnly parseOnly, List<Result> results) {
            this.events = events;
            this.parseOnly = parseOnly;
            this.results = results;
            this.reference = results.get(0);
            this.referenceRate = reference.rate(events);
            this.referenceCpuRate = reference.cpuRate(events);
            for (Result r : results) {
                agreements.put(r, Agreement.of(reference.alerts, r.alerts));
            }
            this.peers = results.stream().filter(r -> r.engine instanceof SiddhiPeer).toList();
        }

        boolean allAgree() {
            return results.stream().allMatch(r -> agreements.get(r).agrees());
        }
    }

    private void printTable(Figures f) {
        out.println();
        out.println("| implementation | events/s | vs TrailSentry | vs parse-only | events per CPU-second (vs TrailSentry) | alerts over all rounds (bins + sequences) | agreement with TrailSentry | state at end of input |");
        out.println("|---|---|---|---|---|---|---|---|");
        ParseOnly p = f.parseOnly;
        out.printf(Locale.ROOT, "| parse-only (JSON → events, the ceiling of a replay) | %,.0f | %.2f× | 100 %% | %,.0f (%.2f×) | | | |%n",
                p.eventsPerSecond(), p.eventsPerSecond() / f.referenceRate, p.eventsPerCpuSecond(), p.eventsPerCpuSecond() / f.referenceCpuRate);
        for (Result r : f.results) {
            double rate = r.rate(f.events);
            double cpuRate = r.cpuRate(f.events);
            Agreement a = f.agreements.get(r);
            String agreement = r == f.reference ? "reference" : (a.agrees() ? "equal: " : "DIFFERENT: ") + a;
            out.printf(Locale.ROOT, "| %s | %,.0f | %.2f× | %.0f %% | %,.0f (%.2f×) | %d + %d | %s | %,.1f MB |%n",
                    r.engine.name(), rate, rate / f.referenceRate, rate / p.eventsPerSecond() * 100, cpuRate, cpuRate / f.referenceCpuRate,
                    r.count(RuleSemantics.ENUMERATION_RULE), r.count(RuleSemantics.SEQUENCE_RULE),
                    agreement, r.stateBytes / 1e6);
        }
        out.printf(Locale.ROOT, "| machine | %d cores, Java %s, max heap %,.0f MB | | | | | | |%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / 1e6);
        out.println();
        for (Result peer : f.peers) {
            double wallLead = f.referenceRate / peer.rate(f.events);
            double cpuLead = f.referenceCpuRate / peer.cpuRate(f.events);
            out.printf(Locale.ROOT, "TrailSentry's engine path vs %s: %.2f× its events/s, %.2f× per CPU-second — %s%n",
                    peer.engine.name(), wallLead, cpuLead, wallLead > 1 && cpuLead > 1 ? "ahead" : wallLead > 1 || cpuLead > 1 ? "mixed" : "behind");
        }
        out.println();
        for (Result r : f.results) {
            out.println("  " + r.engine.name() + ": " + r.engine.description());
        }
    }

    /** Writes {@code peers-<time>.json} and a copy as {@code peers-latest.json}; returns the first. */
    private static Path writeJson(Figures f, Options o, SampleSpec spec, PreparedStream stream, Duration span) throws IOException {
        ObjectNode json = AlertJson.mapper().createObjectNode();
        json.put("timestamp", Instant.now().toString());
        json.put("events", f.events);
        json.put("bytes", stream.bytes());
        json.put("eventTimeSpanSeconds", span.toSeconds());
        json.put("seed", o.seed());
        json.put("principals", o.principals());
        json.put("backgroundEventsPerSecond", o.rate());
        json.put("privilegeCallEvery", o.privilegeEvery());
        json.put("attacks", spec.scenarios().size());
        json.put("rounds", o.rounds());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        json.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        json.put("parseOnlyEventsPerSecond", Math.round(f.parseOnly.eventsPerSecond()));
        json.put("parseOnlyEventsPerCpuSecond", Math.round(f.parseOnly.eventsPerCpuSecond()));
        ArrayNode engines = json.putArray("engines");
        for (Result r : f.results) {
            double rate = r.rate(f.events);
            double cpuRate = r.cpuRate(f.events);
            Agreement a = f.agreements.get(r);
            ObjectNode e = engines.addObject();
            e.put("name", r.engine.name());
            e.put("description", r.engine.description());
            e.put("reference", r == f.reference);
            e.put("eventsPerSecond", Math.round(rate));
            e.put("ratioToTrailSentry", Math.round(rate / f.referenceRate * 1000) / 1000.0);
            e.put("ratioToParseOnly", Math.round(rate / f.parseOnly.eventsPerSecond() * 1000) / 1000.0);
            e.put("eventsPerCpuSecond", Math.round(cpuRate));
            e.put("cpuRatioToTrailSentry", Math.round(cpuRate / f.referenceCpuRate * 1000) / 1000.0);
            e.put("alerts", r.alerts.size());
            e.put("enumerationBins", r.count(RuleSemantics.ENUMERATION_RULE));
            e.put("sequences", r.count(RuleSemantics.SEQUENCE_RULE));
            e.put("endOfInputMillis", Math.round(r.finishSeconds * 1e3));
            ObjectNode agreement = e.putObject("agreement");
            agreement.put("equal", a.agrees());
            agreement.put("matched", a.matched());
            agreement.put("missing", a.missing().size());
            agreement.put("extra", a.extra().size());
            agreement.put("duplicates", a.duplicates());
            e.put("stateBytesAtEndOfInput", r.stateBytes);
        }
        json.put("allAgree", f.allAgree());
        // Ahead of the peer means ahead of every variant of it.
        json.put("trailSentryAheadOfPeer", f.peers.stream().allMatch(p -> f.referenceRate > p.rate(f.events)));
        json.put("trailSentryAheadOfPeerInCpuTime", f.peers.stream().allMatch(p -> f.referenceCpuRate > p.cpuRate(f.events)));

        Files.createDirectories(o.outDir());
        Path file = o.outDir().resolve("peers-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + ".json");
        AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        Files.copy(file, o.outDir().resolve("peers-latest.json"), StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
