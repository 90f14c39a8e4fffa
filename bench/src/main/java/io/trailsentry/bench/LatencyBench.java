package io.trailsentry.bench;

import io.trailsentry.pipeline.Pipelines;
import io.trailsentry.config.StandaloneConfig;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.sample.EnumerationBurst;
import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleSpec;
import io.trailsentry.sample.Scenario;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench --latency [--rate R] [--seconds S]}: the live path at a steady rate. Payloads of
 * CloudTrail JSON arrive every 10 ms (as from Kafka or HTTP) into a pipeline configured as the server
 * is (max-hold, all rules, context, scorer), with enumeration bursts injected twice a second;
 * for each alert, the time from the arrival of the event that triggered it (the last of its
 * evidence to arrive) to the alert reaching the sink. Prints percentiles and a histogram. Rules
 * tagged {@code fires=at-window-end} (the Sentinel-compat bins) report when their window closes, not
 * when an event arrives, and are left out.
 */
final class LatencyBench {

    private static final Pattern EVENT_ID = Pattern.compile("\"eventID\"\\s*:\\s*\"([^\"]+)\"");
    private static final int ATTACKER_POOL = 1_500;
    private static final long[] BUCKETS_MILLIS = {1, 5, 10, 20, 50, 100, 1000};

    private final PrintStream out;

    LatencyBench(PrintStream out) {
        this.out = out;
    }

    /** @param heapEverySeconds sample the retained heap (after a full GC) this often; 0 for none, as GCs disturb latency */
    int run(int rate, int seconds, int heapEverySeconds, Path outDir) throws RuleLoadException, IOException {
        TrailSentryConfig config = StandaloneConfig.load(null);
        Duration hold = config.engine().maxHold();
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<Scenario> bursts = new ArrayList<>();
        // Attackers come from a pool of 1,500 identities, each bursting again after 12.5 minutes (past
        // the 10-minute window, so every burst alerts): a soak then reaches a steady state instead of
        // adding an incident for a new identity twice a second for ever.
        for (int i = 0; i < seconds * 2; i++) {
            bursts.add(new EnumerationBurst("burst-" + (i % ATTACKER_POOL), start.plusMillis(500L * i), "203.0.113." + (i % 200 + 1),
                    "198.51.100." + (i % 200 + 1), 60, Duration.ofSeconds(3)));
        }
        SampleSpec spec = SampleSpec.sizedFor(SampleSpec.DEFAULT_SEED, start, (long) rate * seconds, rate, 2_000, bursts);
        // Streamed, not held: a half-hour soak at 10k events/s is 18 million records.
        java.util.Iterator<String> records = new SampleGenerator(spec).records();
        out.printf(Locale.ROOT, "feeding %,d events at %,d events/s in 10 ms payloads, max-hold %d ms%s...%n",
                (long) rate * seconds, rate, hold.toMillis(), heapEverySeconds > 0 ? ", heap sampled every " + heapEverySeconds + " s" : "");

        Map<String, Long> arrival = new ConcurrentHashMap<>();
        List<double[]> heap = Collections.synchronizedList(new ArrayList<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> windowEndRules = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (DetectionPipeline pipeline = Pipelines.pipelineWithoutHistory(config, Pipelines.engineSettings(config).withMaxHold(hold), 0,
                List.of(alert -> record(alert, arrival, latencies, windowEndRules)), d -> { })) {
            // Rules that report when their window closes (the Sentinel-compat bins) are not triggered
            // by an arriving event; their delay is the window, by design, and is not measured here.
            pipeline.rules().stream().filter(r -> "at-window-end".equals(r.tag("fires"))).forEach(r -> windowEndRules.add(r.id()));
            ticker.scheduleAtFixedRate(pipeline::tick, 5, 5, TimeUnit.MILLISECONDS);
            // Arrivals of burst calls that never became evidence (the calls after the 51st) are dropped
            // after a minute, so the bench's own bookkeeping does not show up as heap growth on a soak.
            ticker.scheduleAtFixedRate(() -> {
                long cutoff = System.nanoTime() - 60_000_000_000L;
                arrival.values().removeIf(t -> t < cutoff);
            }, 5, 5, TimeUnit.SECONDS);
            int perPayload = Math.max(1, rate / 100);
            long t0 = System.nanoTime();
            if (heapEverySeconds > 0) {
                ticker.scheduleAtFixedRate(() -> heap.add(new double[] {(System.nanoTime() - t0) / 60e9, retainedHeapMb()}),
                        heapEverySeconds, heapEverySeconds, TimeUnit.SECONDS);
            }
            long fed = 0;
            for (int slot = 0; records.hasNext(); slot++) {
                long due = t0 + slot * 10_000_000L;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                ByteArrayOutputStream payload = new ByteArrayOutputStream(perPayload * 1400);
                long now = System.nanoTime();
                for (int j = 0; j < perPayload && records.hasNext(); j++) {
                    String record = records.next();
                    payload.writeBytes(record.getBytes(StandardCharsets.UTF_8));
                    payload.write('\n');
                    fed++;
                    // Only the injected bursts' arrivals are kept: the map stays small on a long soak.
                    if (record.contains("burst-")) {
                        Matcher m = EVENT_ID.matcher(record);
                        if (m.find()) {
                            arrival.put(m.group(1), now);
                        }
                    }
                }
                pipeline.ingest(payload.toByteArray(), "latency-bench");
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            // let the last held events out
            LockSupport.parkNanos(hold.toNanos() * 3 + 20_000_000L);
            pipeline.tick();
            ticker.shutdownNow();
            report(latencies, fed / elapsed, hold, heap, outDir);
        }
        return 0;
    }

    private static void record(Alert alert, Map<String, Long> arrival, List<Long> latencies, java.util.Set<String> windowEndRules) {
        if (Alert.INCIDENT_RULE_ID.equals(alert.rule().ruleId()) || windowEndRules.contains(alert.rule().ruleId())) {
            return;
        }
        long last = Long.MIN_VALUE;
        for (String id : alert.evidence().eventIds()) {
            Long t = arrival.get(id);
            if (t != null && t > last) {
                last = t;
            }
        }
        if (last != Long.MIN_VALUE) {
            latencies.add(System.nanoTime() - last);
        }
    }

    private static double retainedHeapMb() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1e6;
    }

    /**
     * Least-squares slope of heap (MB) over time (minutes) over the second half of the run: the first
     * half is warm-up, while the longest windows (15 minutes of discovery calls) fill.
     */
    static double slopeMbPerMinute(List<double[]> samples) {
        List<double[]> s = samples.subList(samples.size() / 2, samples.size());
        if (s.size() < 2) {
            return 0;
        }
        double mx = s.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = s.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : s) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    private void report(List<Long> latencies, double achievedRate, Duration hold, List<double[]> heap, Path outDir) throws IOException {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        out.printf(Locale.ROOT, "%n| measure | value |%n|---|---|%n");
        out.printf(Locale.ROOT, "| input rate achieved | %,.0f events/s |%n", achievedRate);
        out.printf(Locale.ROOT, "| alerts measured | %d |%n", sorted.size());
        ObjectNode json = AlertJson.mapper().createObjectNode();
        json.put("timestamp", Instant.now().toString());
        json.put("rate", Math.round(achievedRate));
        json.put("maxHoldMillis", hold.toMillis());
        json.put("alerts", sorted.size());
        if (!sorted.isEmpty()) {
            for (double q : new double[] {0.50, 0.90, 0.99}) {
                long v = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
                out.printf(Locale.ROOT, "| p%d arrival → alert | %.1f ms |%n", Math.round(q * 100), v / 1e6);
                json.put("p" + Math.round(q * 100) + "Millis", Math.round(v / 1e4) / 100.0);
            }
            out.printf(Locale.ROOT, "| max | %.1f ms |%n", sorted.get(sorted.size() - 1) / 1e6);
            json.put("maxMillis", Math.round(sorted.get(sorted.size() - 1) / 1e4) / 100.0);
            StringBuilder histogram = new StringBuilder();
            long previous = 0;
            for (long bucket : BUCKETS_MILLIS) {
                long lo = previous;
                long count = sorted.stream().filter(v -> v >= lo * 1_000_000 && v < bucket * 1_000_000).count();
                histogram.append(String.format(Locale.ROOT, "%s%d–%d ms: %d", histogram.isEmpty() ? "" : ", ", lo, bucket, count));
                json.put("histogram_" + lo + "_" + bucket + "ms", count);
                previous = bucket;
            }
            out.printf(Locale.ROOT, "| histogram | %s |%n", histogram);
        }
        if (!heap.isEmpty()) {
            StringBuilder series = new StringBuilder();
            var array = json.putArray("heapMb");
            for (double[] p : heap) {
                series.append(String.format(Locale.ROOT, "%s%.0f", series.isEmpty() ? "" : " ", p[1]));
                array.add(Math.round(p[1]));
            }
            double slope = slopeMbPerMinute(heap);
            out.printf(Locale.ROOT, "| retained heap over the run (MB) | %s |%n", series);
            out.printf(Locale.ROOT, "| heap trend over the second half | %+.2f MB/min (max heap %,d MB) |%n", slope,
                    Runtime.getRuntime().maxMemory() / 1_000_000);
            json.put("heapSlopeMbPerMinute", Math.round(slope * 100) / 100.0);
        }
        Files.createDirectories(outDir);
        AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("bench-latency-latest.json").toFile(), json);
    }
}
