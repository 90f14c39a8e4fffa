package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.context.Baselines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One state budget bounds what the server keeps per actor (issue #17, 2: 2.9 million assumed-role
 * session names filled a 6 GB heap). Scaled down: caps of a few hundred and 20,000 sprayed principals,
 * each opening an incident, show every part held at its cap, evictions counted, the real attacker's
 * High incident and baseline kept through the spray, and its burst afterwards still detected.
 * {@code HeapSpraySoakTest} (not in the default run) sprays a million through a 256 MB heap.
 */
class StateBudgetTest {

    static final String REAL = "arn:aws:iam::111122223333:user/mallory";

    @Test
    void aSprayOfPrincipalsIsHeldAtTheCapsAndTheRealActorStillDetected(@TempDir Path dir) throws Exception {
        Path properties = dir.resolve("budget.properties");
        Files.writeString(properties, """
                trailsentry.context.max-actors=500
                trailsentry.context.max-lineage-links=100
                trailsentry.scoring.max-open-incidents=200
                trailsentry.engine.max-remembered-event-ids=20000
                """);
        TrailSentryConfig config = StandaloneConfig.load(properties);
        List<Alert> alerts = new ArrayList<>();
        Baselines baselines = new Baselines(config.context().maxActors());
        try (DetectionPipeline server = Pipelines.serverPipeline(config, PipelineFixture.rules(), baselines, List.of(alerts::add), d -> { })) {
            Instant t = Instant.parse("2026-11-02T09:00:00Z");
            server.ingestPayload(bytes(List.of(SprayInput.record("real-create", t, "CreateUser", "iam.amazonaws.com", REAL, "203.0.113.9"))), "http", d -> { });
            String realIncident = incidentOf(alerts, REAL);
            assertThat(realIncident).as("the real actor's incident").isNotNull();

            SprayInput.spray(20_000, t.plusSeconds(60), payload -> server.ingestPayload(payload, "http", d -> { }));
            server.ingestPayload(bytes(SprayInput.burst(REAL, t.plusSeconds(3600), 60)), "http", d -> { });

            for (StateUsage usage : server.stateUsage()) {
                assertThat(usage.entries()).as(usage.state()).isLessThanOrEqualTo(usage.capacity());
            }
            assertThat(usage(server, "actors").evictions()).isPositive();
            assertThat(usage(server, "incidents").evictions()).isPositive();
            assertThat(usage(server, "event_ids").evictions()).isPositive();
            assertThat(baselines.knows(REAL)).as("the real actor's baseline outlived the spray").isTrue();
            List<Alert> real = alerts.stream().filter(a -> REAL.equals(a.actor().actorKey())).toList();
            assertThat(real).extracting(a -> a.rule().ruleName()).as("the burst after the spray is detected")
                    .contains("IAM enumeration burst (sliding 10-minute window)");
            assertThat(real).filteredOn(a -> a.rule().ruleId().equals(Alert.INCIDENT_RULE_ID))
                    .extracting(a -> a.incident().incidentId() + " " + a.stages()).as("in the incident opened before the spray")
                    .contains(realIncident + " [discovery, persistence]");
        }
    }

    @Test
    void oneShotDiscoveryCallersAreHeldAtTheRuleTableCapAndARealBurstStillAlerts(@TempDir Path dir) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        try (DetectionPipeline server = pipelineWith(dir, "trailsentry.engine.max-rule-table-rows=300", alerts)) {
            Instant t = Instant.parse("2026-11-02T09:00:00Z");
            // 6,000 sessions, one DescribeInstances each within ten minutes: every discovery table
            // (data read after discovery, discovery burst, escalation after discovery) gets a row per session.
            StringBuilder sb = oneCallSessions(6_000, "DescribeInstances", "ec2.amazonaws.com", t);
            server.ingestPayload(sb.toString().getBytes(StandardCharsets.UTF_8), "http", d -> { });
            server.ingestPayload(bytes(SprayInput.burst(REAL, t.plusSeconds(610), 60)), "http", d -> { });

            StateUsage tables = usage(server, "rule_tables");
            assertThat(tables.capacity()).isEqualTo(300);
            assertThat(tables.entries()).as("rows in all rule tables").isBetween(1L, 300L);
            assertThat(tables.evictions()).as("rows evicted from at least two discovery tables").isGreaterThan(2 * 5_000L);
            assertThat(alerts).filteredOn(a -> REAL.equals(a.actor().actorKey())).extracting(a -> a.rule().ruleName())
                    .as("the burst after the sessions is detected").contains("IAM enumeration burst (sliding 10-minute window)");
        }
    }

    @Test
    void oneCallSessionsAreHeldAtTheRuleWindowCapAndARealReadBurstAlertsOnce(@TempDir Path dir) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        try (DetectionPipeline server = pipelineWith(dir, "trailsentry.engine.max-rule-window-events=300", alerts)) {
            Instant t = Instant.parse("2026-11-02T09:00:00Z");
            // 6,000 sessions, one GetObject each within ten minutes: the S3 read-burst window keeps
            // every one of them for its 10 minutes.
            StringBuilder sb = oneCallSessions(6_000, "GetObject", "s3.amazonaws.com", t);
            // ...and then one actor reads 150 objects in five minutes, with the sessions still calling.
            for (int i = 0; i < 150; i++) {
                Instant at = t.plusSeconds(610 + 2L * i);
                sb.append(SprayInput.record("real-read-" + i, at, "GetObject", "s3.amazonaws.com", REAL, "203.0.113.9")).append('\n');
                sb.append(SprayInput.record("late-read-" + i, at.plusMillis(500), "GetObject", "s3.amazonaws.com",
                        "arn:aws:sts::111122223333:assumed-role/workers/late" + i, "198.51.100.7")).append('\n');
            }
            server.ingestPayload(sb.toString().getBytes(StandardCharsets.UTF_8), "http", d -> { });

            StateUsage windows = usage(server, "rule_windows");
            assertThat(windows.capacity()).isEqualTo(300);
            assertThat(windows.entries()).as("events in all rule windows").isBetween(1L, 300L);
            assertThat(windows.evictions()).as("one-call sessions evicted").isGreaterThan(5_000L);
            // The real actor's reads are the last to go, and the count kept beside the window follows
            // the evictions: it crosses the threshold once, not again each time others are cut.
            assertThat(alerts).filteredOn(a -> REAL.equals(a.actor().actorKey())).extracting(a -> a.rule().ruleName())
                    .as("the read burst during the spray is detected, once").containsOnlyOnce("S3 read burst");
            assertThat(alerts).filteredOn(a -> a.actor().actorKey().contains("/workers/")).extracting(a -> a.rule().ruleName())
                    .as("no one-call session is taken for a burst").doesNotContain("S3 read burst");
        }
    }

    @Test
    void everyPartShowsItsCapacityBeforeAnyInput(@TempDir Path dir) throws Exception {
        try (DetectionPipeline fresh = pipelineWith(dir, "trailsentry.engine.max-rule-window-events=300", new java.util.ArrayList<>())) {
            assertThat(fresh.stateUsage()).extracting(StateUsage::state)
                    .contains("actors", "lineage", "incidents", "event_ids", "rule_tables", "rule_windows");
            assertThat(fresh.stateUsage()).allSatisfy(u -> {
                assertThat(u.capacity()).as(u.state() + " capacity").isPositive();
                assertThat(u.entries()).as(u.state() + " in use").isZero();
            });
            assertThat(usage(fresh, "rule_windows").capacity()).isEqualTo(300);
        }
    }

    /** A server pipeline over the test rules with one setting changed. */
    private static DetectionPipeline pipelineWith(Path dir, String setting, List<Alert> alerts) throws Exception {
        Path properties = dir.resolve("budget.properties");
        Files.writeString(properties, setting + "\n");
        TrailSentryConfig config = StandaloneConfig.load(properties);
        return Pipelines.serverPipeline(config, PipelineFixture.rules(), new Baselines(config.context().maxActors()), List.of(alerts::add), d -> { });
    }

    /** {@code n} assumed-role sessions, each making one call, 100 ms apart from {@code start}. */
    private static StringBuilder oneCallSessions(int n, String eventName, String source, Instant start) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(SprayInput.record(eventName + "-" + i, start.plusMillis(i * 100L), eventName, source,
                    "arn:aws:sts::111122223333:assumed-role/workers/s" + i, "198.51.100." + (i % 250 + 1))).append('\n');
        }
        return sb;
    }

    private static StateUsage usage(DetectionPipeline pipeline, String state) {
        return pipeline.stateUsage().stream().filter(u -> u.state().equals(state)).findFirst().orElseThrow();
    }

    private static String incidentOf(List<Alert> alerts, String actorKey) {
        return alerts.stream().filter(a -> actorKey.equals(a.actor().actorKey()) && a.incident().incidentId() != null)
                .map(a -> a.incident().incidentId()).findFirst().orElse(null);
    }

    private static byte[] bytes(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
