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
 * {@code bench --latency [--rate R] [--seconds S] [--new-principals SHARE] [--burst-at MINUTE] [--streamed]}:
 * the live path at a steady rate. Payloads of
 * CloudTrail JSON arrive every 10 ms into a pipeline configured as the server is (all rules, context,
 * scorer), with enumeration bursts injected twice a second. Each payload is evaluated whole, as the
 * server does with an HTTP body ({@code POST /events}) or a Kafka poll's records (flushed before the
 * offsets are committed): {@link DetectionPipeline#ingestPayload}. With {@code --streamed} the
 * records go in one by one as from a streamed body, and wait in the reorder buffer until the
 * max-hold releases them (a ticker calls {@code tick()} every 5 ms, as the server's timer does).
 * Measured:
 * for each alert, the time from the arrival of the event that triggered it (the last of its
 * evidence to arrive) to the alert reaching the sink. Prints percentiles and a histogram. Rules
 * tagged {@code fires=at-window-end} (the Sentinel-compat bins) report when their window closes, not
 * when an event arrives, and are left out.
 *
 * <p>As a soak (issue #17): {@code --new-principals 0.2} makes that share of the input calls by
 * principals never seen before (a new assumed-role session each, the cheapest way to grow per-actor
 * state), so the heap trend shows whether the state budget holds; {@code --burst-at 29} adds one more
 * enumeration burst, by an actor of its own, at that minute, and the report says whether and how
 * fast it alerted with the spray going on.
 */
final class LatencyBench {

    private static final Pattern EVENT_ID = Pattern.compile("\"eventID\"\\s*:\\s*\"([^\"]+)\"");
    private static final int ATTACKER_POOL = 1_500;
    /** The actor of the burst {@code --burst-at} adds ("burst-" so its arrivals are timed like the others'). */
    static final String LATE_BURST_ACTOR = "burst-late-soak";
    private static final long[] BUCKETS_MILLIS = {1, 5, 10, 20, 50, 100, 1000};

    private final PrintStream out;

    LatencyBench(PrintStream out) {
        this.out = out;
    }

    /** @param heapEverySeconds sample the retained heap (after a full GC) this often; 0 for none, as GCs disturb latency */
    int run(int rate, int seconds, int heapEverySeconds, Path outDir) throws RuleLoadException, IOException {
        return run(rate, seconds, heapEverySeconds, 0, -1, outDir);
    }

    /**
     * @param newPrincipalShare share (0 to 0.9) of the input made of calls by never-seen principals
     * @param burstAtMinute     minute of the run at which one more enumeration burst starts, or -1 for none
     */
    int run(int rate, int seconds, int heapEverySeconds, double newPrincipalShare, int burstAtMinute, Path outDir)
            throws RuleLoadException, IOException {
        return run(rate, seconds, heapEverySeconds, newPrincipalShare, burstAtMinute, false, outDir);
    }

    /** @param streamed records one by one, released by the max-hold, instead of whole payloads */
    int run(int rate, int seconds, int heapEverySeconds, double newPrincipalShare, int burstAtMinute, boolean streamed, Path outDir)
            throws RuleLoadException, IOException {
        if (newPrincipalShare < 0 || newPrincipalShare > 0.9) {
            throw new IllegalArgumentException("--new-principals must be between 0 and 0.9, was " + newPrincipalShare);
        }
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
        if (burstAtMinute >= 0) {
            // 60 calls in 30 s: the sliding rule alerts at the 51st, about 25 s in.
            bursts.add(new EnumerationBurst(LATE_BURST_ACTOR, start.plusSeconds(burstAtMinute * 60L), "192.0.2.77", "192.0.2.78", 60,
                    Duration.ofSeconds(30)));
        }
        double backgroundRate = rate * (1 - newPrincipalShare);
        SampleSpec spec = SampleSpec.sizedFor(SampleSpec.DEFAULT_SEED, start, (long) (backgroundRate * seconds), backgroundRate, 2_000,
                bursts);
        // Streamed, not held: a half-hour soak at 10k events/s is 18 million records.
        java.util.Iterator<String> records = new SampleGenerator(spec).records();
        out.printf(Locale.ROOT, "feeding %,d events at %,d events/s in 10 ms payloads, %s%s...%n",
                (long) rate * seconds, rate,
                streamed ? "streamed: released by the max-hold of " + hold.toMillis() + " ms" : "each evaluated whole (as an HTTP body or a Kafka poll)",
                heapEverySeconds > 0 ? ", heap sampled every " + heapEverySeconds + " s" : "");

        Map<String, Long> arrival = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong lateBurstAlerted = new java.util.concurrent.atomic.AtomicLong();
        long lateBurstFed = 0;
        long newPrincipals = 0;
        double newPrincipalCredit = 0;
        List<double[]> heap = Collections.synchronizedList(new ArrayList<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> windowEndRules = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (DetectionPipeline pipeline = Pipelines.pipelineWithoutHistory(config, Pipelines.engineSettings(config).withMaxHold(hold), 0,
                List.of(alert -> {
                    record(alert, arrival, latencies, windowEndRules);
                    if (LATE_BURST_ACTOR.equals(alert.actor().actorName()) && !Alert.INCIDENT_RULE_ID.equals(alert.rule().ruleId())) {
                        lateBurstAlerted.compareAndSet(0, System.nanoTime());
                    }
                }), d -> { })) {
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
                    newPrincipalCredit += newPrincipalShare;
                    String record;
                    if (newPrincipalCredit >= 1) {
                        newPrincipalCredit -= 1;
                        record = neverSeenPrincipalCall(newPrincipals++, start.plusMillis(slot * 10L));
                    } else {
                        record = records.next();
                        if (lateBurstFed == 0 && record.contains(LATE_BURST_ACTOR)) {
                            lateBurstFed = now;
                        }
                    }
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
                if (streamed) {
                    pipeline.ingest(payload.toByteArray(), "latency-bench");
                } else {
                    pipeline.ingestPayload(payload.toByteArray(), "latency-bench", d -> { });
                }
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            // let the last held events out
            LockSupport.parkNanos(hold.toNanos() * 3 + 20_000_000L);
            pipeline.tick();
            ticker.shutdownNow();
            report(latencies, fed / elapsed, streamed ? hold : Duration.ZERO, heap, outDir);
            if (newPrincipalShare > 0) {
                out.printf(Locale.ROOT, "| calls by never-seen principals | %,d (%.0f %% of %,d) |%n", newPrincipals,
                        100.0 * newPrincipals / Math.max(1, fed), fed);
            }
            if (burstAtMinute >= 0) {
                long alerted = lateBurstAlerted.get();
                out.printf(Locale.ROOT, "| burst at minute %d | %s |%n", burstAtMinute, lateBurstFed == 0 ? "not reached (run longer)"
                        : alerted == 0 ? "NOT DETECTED"
                        : String.format(Locale.ROOT, "detected, first alert %.1f s after its first call arrived", (alerted - lateBurstFed) / 1e9));
                if (lateBurstFed != 0 && alerted == 0) {
                    return 1;
                }
            }
        }
        return 0;
    }

    /** One call by a principal never seen before: a new assumed-role session of a role, a benign read. */
    static String neverSeenPrincipalCall(long n, Instant time) {
        String session = "soak-" + n;
        String arn = "arn:aws:sts::111122223333:assumed-role/soak-workers/" + session;
        boolean s3 = (n & 1) == 0;
        return "{\"eventVersion\":\"1.09\",\"eventTime\":\"" + time + "\",\"eventName\":\"" + (s3 ? "GetObject" : "DescribeInstances")
                + "\",\"eventSource\":\"" + (s3 ? "s3" : "ec2") + ".amazonaws.com\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100."
                + (n % 250 + 1) + "\",\"userAgent\":\"aws-sdk-java/2.25\",\"eventID\":\"soak-" + n + "\",\"readOnly\":true,"
                + "\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"111122223333\",\"userIdentity\":{\"type\":\"AssumedRole\","
                + "\"principalId\":\"AROASOAKWORKERS:" + session + "\",\"arn\":\"" + arn + "\",\"accountId\":\"111122223333\","
                + "\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"arn\":\"arn:aws:iam::111122223333:role/soak-workers\","
                + "\"userName\":\"soak-workers\"}}}"
                + (s3 ? ",\"requestParameters\":{\"bucketName\":\"soak-data\",\"key\":\"objects/" + n + "\"}" : "") + "}";
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
        out.printf(Locale.ROOT, "| path | %s |%n", hold.isZero() ? "10 ms payloads, each evaluated whole (HTTP body, Kafka poll)"
                : "10 ms payloads streamed, released by the max-hold of " + hold.toMillis() + " ms");
        out.printf(Locale.ROOT, "| alerts measured | %d |%n", sorted.size());
        ObjectNode json = AlertJson.mapper().createObjectNode();
        json.put("timestamp", Instant.now().toString());
        json.put("rate", Math.round(achievedRate));
        json.put("path", hold.isZero() ? "payload" : "streamed");
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
