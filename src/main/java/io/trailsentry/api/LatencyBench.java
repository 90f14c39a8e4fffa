package io.trailsentry.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.TrailSentryConfig;
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
    private static final long[] BUCKETS_MILLIS = {1, 5, 10, 20, 50, 100, 1000};

    private final PrintStream out;

    LatencyBench(PrintStream out) {
        this.out = out;
    }

    int run(int rate, int seconds, Path outDir) throws RuleLoadException, IOException {
        TrailSentryConfig config = StandaloneConfig.load(null);
        Duration hold = config.engine().maxHold();
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<Scenario> bursts = new ArrayList<>();
        for (int i = 0; i < seconds * 2; i++) {
            bursts.add(new EnumerationBurst("burst-" + i, start.plusMillis(500L * i), "203.0.113." + (i % 200 + 1),
                    "198.51.100." + (i % 200 + 1), 60, Duration.ofSeconds(3)));
        }
        SampleSpec spec = SampleSpec.sizedFor(SampleSpec.DEFAULT_SEED, start, (long) rate * seconds, rate, 2_000, bursts);
        List<byte[]> records = new SampleGenerator(spec).recordBytes();
        List<String> ids = new ArrayList<>(records.size());
        for (byte[] r : records) {
            Matcher m = EVENT_ID.matcher(new String(r, StandardCharsets.UTF_8));
            ids.add(m.find() ? m.group(1) : null);
        }
        out.printf(Locale.ROOT, "feeding %,d events at %,d events/s in 10 ms payloads, max-hold %d ms...%n",
                records.size(), rate, hold.toMillis());

        Map<String, Long> arrival = new ConcurrentHashMap<>(records.size() * 2);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> windowEndRules = ConcurrentHashMap.newKeySet();
        var contextSettings = Settings.contextSettings(config);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (DetectionPipeline pipeline = new DetectionPipeline(Settings.engineSettings(config).withMaxHold(hold), null,
                new ContextEnricher(contextSettings, new Baselines(contextSettings.maxActors())), Settings.scoringSettings(config),
                List.of(alert -> record(alert, arrival, latencies, windowEndRules)), d -> { })) {
            // Rules that report when their window closes (the Sentinel-compat bins) are not triggered
            // by an arriving event; their delay is the window, by design, and is not measured here.
            pipeline.rules().stream().filter(r -> "at-window-end".equals(r.tag("fires"))).forEach(r -> windowEndRules.add(r.id()));
            ticker.scheduleAtFixedRate(pipeline::tick, 5, 5, TimeUnit.MILLISECONDS);
            int perPayload = Math.max(1, rate / 100);
            long t0 = System.nanoTime();
            for (int i = 0, slot = 0; i < records.size(); i += perPayload, slot++) {
                long due = t0 + slot * 10_000_000L;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                int end = Math.min(records.size(), i + perPayload);
                ByteArrayOutputStream payload = new ByteArrayOutputStream(perPayload * 1400);
                long now = System.nanoTime();
                for (int j = i; j < end; j++) {
                    payload.writeBytes(records.get(j));
                    payload.write('\n');
                    if (ids.get(j) != null) {
                        arrival.put(ids.get(j), now);
                    }
                }
                pipeline.ingest(payload.toByteArray(), "latency-bench");
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            // let the last held events out
            LockSupport.parkNanos(hold.toNanos() * 3 + 20_000_000L);
            pipeline.tick();
            ticker.shutdownNow();
            report(latencies, records.size() / elapsed, hold, outDir);
        }
        return 0;
    }

    private static void record(Alert alert, Map<String, Long> arrival, List<Long> latencies, java.util.Set<String> windowEndRules) {
        if (Alert.INCIDENT_RULE_ID.equals(alert.ruleId()) || windowEndRules.contains(alert.ruleId())) {
            return;
        }
        long last = Long.MIN_VALUE;
        for (String id : alert.evidence()) {
            Long t = arrival.get(id);
            if (t != null && t > last) {
                last = t;
            }
        }
        if (last != Long.MIN_VALUE) {
            latencies.add(System.nanoTime() - last);
        }
    }

    private void report(List<Long> latencies, double achievedRate, Duration hold, Path outDir) throws IOException {
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
        Files.createDirectories(outDir);
        AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("bench-latency-latest.json").toFile(), json);
    }
}
