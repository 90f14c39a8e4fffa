package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.context.Baselines;
import io.trailsentry.engine.TestRules;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's pipeline, sprayed with {@code args[0]} distinct principals (each opening an incident),
 * then a real burst; prints the state budget, the heap after a collection, and DETECTED when the burst
 * alerted. Run in a JVM of its own with a small heap ({@link HeapSpraySoakTest}); the budget comes
 * from -D system properties ({@code trailsentry.context.max-actors}, …).
 */
public final class HeapSprayMain {

    private HeapSprayMain() {
    }

    public static void main(String[] args) throws Exception {
        int principals = Integer.parseInt(args[0]);
        TrailSentryConfig config = StandaloneConfig.load(null);
        AtomicLong count = new AtomicLong();
        List<Alert> real = new ArrayList<>();
        try (DetectionPipeline server = Pipelines.serverPipeline(config, TestRules.shipped(),
                new Baselines(config.context().maxActors()), List.of(a -> {
                    count.incrementAndGet();
                    if (StateBudgetTest.REAL.equals(a.actor().actorKey())) {
                        real.add(a);
                    }
                }), d -> { })) {
            Instant t = Instant.parse("2026-11-02T09:00:00Z");
            server.ingestPayload(bytes(List.of(SprayInput.record("real-create", t, "CreateUser", "iam.amazonaws.com", StateBudgetTest.REAL,
                    "203.0.113.9"))), "http", d -> { });
            long started = System.nanoTime();
            int[] done = {0};
            SprayInput.spray(principals, t.plusSeconds(60), payload -> {
                server.ingestPayload(payload, "http", d -> { });
                done[0] += 2000;
                if (done[0] % 100_000 == 0) {
                    System.out.printf("%,d principals, %,d MB used, %,d alerts, %d s%n", done[0], usedMb(false), count.get(),
                            (System.nanoTime() - started) / 1_000_000_000L);
                }
            });
            server.ingestPayload(bytes(SprayInput.burst(StateBudgetTest.REAL, t.plusSeconds(principals / 10 + 600), 60)), "http", d -> { });
            server.stateUsage().forEach(u -> System.out.println("state " + u));
            System.out.printf("heap after a collection: %,d MB of %,d MB%n", usedMb(true), Runtime.getRuntime().maxMemory() >> 20);
            boolean detected = real.stream().anyMatch(a -> a.rule().ruleName().startsWith("IAM enumeration burst"));
            System.out.println(detected ? "DETECTED" : "MISSED");
            System.exit(detected ? 0 : 1);
        }
    }

    private static long usedMb(boolean collect) {
        if (collect) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    private static byte[] bytes(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
