package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's event-time mechanics (bins, sliding windows, lateness, duplicates, idling, flushing,
 * parameters) shown on the two IAM-enumeration rules, deployed on their own. A test whose claim is
 * about every rule (nothing fires, the same hits whatever the order) runs the whole shipped set.
 */
class DetectionEngineTest {

    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";
    /** The compat and sliding rules alone. */
    static CompiledRules rules;
    /** Every shipped rule. */
    static CompiledRules shipped;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        rules = EsperEngine.compile(TestRules.copyOf(dir, "discovery_iam_enumeration_compat.epl", "discovery_iam_enumeration_sliding.epl"));
        shipped = TestRules.shipped();
    }

    static List<RuleHit> run(List<CloudTrailEvent> events) throws RuleLoadException {
        return run(rules, events);
    }

    static List<RuleHit> run(CompiledRules set, List<CloudTrailEvent> events) throws RuleLoadException {
        List<RuleHit> hits = new ArrayList<>();
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(Path.of("epl")), set, hits::add)) {
            events.forEach(engine::accept);
            engine.finish();
        }
        return hits;
    }

    static List<RuleHit> of(List<RuleHit> hits, String ruleId) {
        return hits.stream().filter(h -> h.rule().id().equals(ruleId)).toList();
    }

    @Test
    void compatFiresOncePerBinWhenCountExceedsThreshold() throws Exception {
        Instant binStart = Instant.parse("2024-08-01T10:10:00Z");
        List<RuleHit> hits = run(TestEvents.burst("AIDAEXAMPLE", binStart.plusSeconds(5), 51, 5, "203.0.113.42", "198.51.100.7"));
        List<RuleHit> compat = of(hits, COMPAT);
        assertThat(compat).hasSize(1);
        RuleHit hit = compat.get(0);
        assertThat(hit.count()).isEqualTo(51);
        assertThat(hit.windowStart()).isEqualTo(binStart.toEpochMilli());
        assertThat(hit.windowEnd()).isEqualTo(binStart.plus(Duration.ofMinutes(10)).toEpochMilli());
        assertThat(hit.principalId()).isEqualTo("AIDAEXAMPLE");
        assertThat(hit.principalArn()).isEqualTo("arn:aws:iam::123456789012:user/AIDAEXAMPLE");
        assertThat(hit.accountId()).isEqualTo("123456789012");
        assertThat(hit.events()).hasSize(51);
    }

    @Test
    void exactlyThresholdIsSilent() throws Exception {
        List<RuleHit> hits = run(shipped, TestEvents.burst("AIDAEXAMPLE", Instant.parse("2024-08-01T10:10:00Z"), 50, 5, "203.0.113.42"));
        assertThat(hits).as("no shipped rule fires").isEmpty();
    }

    @Test
    void binsAreAlignedToTheEpochLikeKqlBin() throws Exception {
        // 40 calls in 10:00–10:09:59 and 40 in 10:10–10:19: 80 calls in 4 minutes, but no bin holds 51.
        Instant boundary = Instant.parse("2024-08-01T10:10:00Z");
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDAX", boundary.minusSeconds(120), 40, 3, "203.0.113.42"));
        events.addAll(TestEvents.burst("AIDAX", boundary, 40, 3, "203.0.113.42").stream()
                .map(e -> e.toBuilder().eventID(e.getEventID() + "b").build()).toList());
        List<RuleHit> hits = run(events);
        assertThat(of(hits, COMPAT)).isEmpty();
        assertThat(of(hits, SLIDING)).hasSize(1);
    }

    @Test
    void straddlingBurstIsMissedByCompatAndCaughtBySliding() throws Exception {
        Instant boundary = Instant.parse("2024-08-01T10:20:00Z");
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDASTRADDLE", boundary.minusSeconds(96), 32, 3, "203.0.113.42"));
        events.addAll(TestEvents.burst("AIDASTRADDLE", boundary, 32, 3, "203.0.113.42"));
        List<RuleHit> hits = run(events);
        assertThat(of(hits, COMPAT)).isEmpty();
        List<RuleHit> sliding = of(hits, SLIDING);
        assertThat(sliding).hasSize(1);
        assertThat(sliding.get(0).count()).isEqualTo(51);
        assertThat(sliding.get(0).windowStart()).isEqualTo(boundary.minusSeconds(96).toEpochMilli());
    }

    @Test
    void slidingFiresOncePerBurstNotOncePerEventPastThreshold() throws Exception {
        List<RuleHit> hits = run(TestEvents.burst("AIDABIG", Instant.parse("2024-08-01T10:21:00Z"), 300, 1, "203.0.113.42"));
        assertThat(of(hits, SLIDING)).hasSize(1);
        assertThat(of(hits, SLIDING).get(0).count()).isEqualTo(51);
    }

    @Test
    void aSecondSeparateBurstIsASecondAlert() throws Exception {
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDATWICE", Instant.parse("2024-08-01T10:21:00Z"), 60, 1, "203.0.113.42"));
        events.addAll(TestEvents.burst("AIDATWICE", Instant.parse("2024-08-01T11:00:00Z"), 60, 1, "203.0.113.42"));
        assertThat(of(run(events), SLIDING)).hasSize(2);
    }

    @Test
    void eachActorIsCountedOnItsOwn() throws Exception {
        Instant start = Instant.parse("2024-08-01T10:21:00Z");
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDAONE", start, 60, 2, "203.0.113.42"));
        events.addAll(TestEvents.burst("AIDATWO", start.plusSeconds(1), 60, 2, "203.0.113.43"));
        events.addAll(TestEvents.burst("AIDATHREE", start.plusSeconds(1), 30, 2, "203.0.113.44"));
        events.sort(java.util.Comparator.comparing(CloudTrailEvent::getEventTime));
        List<RuleHit> hits = run(events);
        assertThat(of(hits, SLIDING)).extracting(RuleHit::principalId).containsExactlyInAnyOrder("AIDAONE", "AIDATWO");
        assertThat(of(hits, COMPAT)).extracting(RuleHit::principalId).containsExactlyInAnyOrder("AIDAONE", "AIDATWO");
    }

    @Test
    void outOfOrderWithinLatenessGivesTheSameHitsAsSortedInput() throws Exception {
        Instant boundary = Instant.parse("2024-08-01T10:20:00Z");
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDASHUF", boundary.minusSeconds(96), 32, 3, "203.0.113.42"));
        events.addAll(TestEvents.burst("AIDASHUF", boundary, 32, 3, "203.0.113.42"));
        events.addAll(TestEvents.burst("AIDACOMPAT", boundary.plusSeconds(30), 55, 4, "203.0.113.9"));
        events.sort(java.util.Comparator.comparing(CloudTrailEvent::getEventTime));
        List<RuleHit> sorted = run(shipped, events);

        List<CloudTrailEvent> shuffled = TestEvents.shuffleWithin(events, Duration.ofMinutes(4), 42);
        assertThat(shuffled).isNotEqualTo(events);
        List<RuleHit> replayed = run(shipped, shuffled);
        assertThat(summary(replayed)).isEqualTo(summary(sorted));
        assertThat(summary(sorted)).hasSize(3);
    }

    @Test
    void duplicateEventIdsAreCountedOnce() throws Exception {
        List<CloudTrailEvent> burst = TestEvents.burst("AIDADUP", Instant.parse("2024-08-01T10:21:00Z"), 30, 5, "203.0.113.42");
        List<CloudTrailEvent> twice = new ArrayList<>(burst);
        twice.addAll(burst);
        List<RuleHit> hits = new ArrayList<>();
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(Path.of("epl")), shipped, hits::add)) {
            twice.forEach(engine::accept);
            engine.finish();
            assertThat(engine.stats().duplicates()).isEqualTo(30);
            assertThat(engine.stats().processed()).isEqualTo(30);
        }
        assertThat(hits).as("no shipped rule fires").isEmpty();
    }

    @Test
    void ruleParametersOverrideEplVariables() throws Exception {
        List<RuleHit> hits = new ArrayList<>();
        EngineSettings settings = new EngineSettings(Path.of("epl"), Duration.ofMinutes(5),
                Map.of("iam_enum_sliding_threshold", "10"));
        try (DetectionEngine engine = new DetectionEngine(settings, rules, hits::add)) {
            TestEvents.burst("AIDALOW", Instant.parse("2024-08-01T10:21:00Z"), 11, 5, "203.0.113.42").forEach(engine::accept);
            engine.finish();
        }
        assertThat(of(hits, SLIDING)).hasSize(1);
        assertThat(of(hits, COMPAT)).isEmpty();
    }

    @Test
    void lateEventsBeyondTheAllowedLatenessAreCountedAndStillEvaluated() throws Exception {
        List<RuleHit> hits = new ArrayList<>();
        try (DetectionEngine engine = new DetectionEngine(new EngineSettings(Path.of("epl"), Duration.ofMinutes(1), Map.of()), rules, hits::add)) {
            Instant t = Instant.parse("2024-08-01T10:21:00Z");
            engine.accept(TestEvents.call("ListUsers", t, "AIDA1", "203.0.113.1").build());
            engine.accept(TestEvents.call("ListUsers", t.plusSeconds(100), "AIDA1", "203.0.113.1").build());
            // 10:31 puts the watermark at 10:30, releasing 10:21:00 and 10:22:40: 10:21:01 is now behind them.
            engine.accept(TestEvents.call("ListUsers", t.plusSeconds(600), "AIDA1", "203.0.113.1").build());
            assertThat(engine.accept(TestEvents.call("ListRoles", t.plusSeconds(1), "AIDA1", "203.0.113.1").build()))
                    .isEqualTo(ReorderBuffer.Outcome.LATE);
            engine.finish();
            assertThat(engine.stats().late()).isEqualTo(1);
            assertThat(engine.stats().processed()).isEqualTo(4);
        }
    }

    @Test
    void idleInputReleasesHeldEventsAndLetsWindowsClose() throws Exception {
        List<RuleHit> hits = new ArrayList<>();
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(Path.of("epl")), rules, hits::add)) {
            TestEvents.burst("AIDAIDLE", Instant.parse("2024-08-01T10:01:00Z"), 60, 2, "203.0.113.42").forEach(engine::accept);
            assertThat(engine.stats().pending()).isEqualTo(60);
            assertThat(hits).isEmpty();

            engine.idle(2_000);
            assertThat(engine.stats().pending()).isZero();
            assertThat(of(hits, SLIDING)).hasSize(1);
            assertThat(of(hits, COMPAT)).isEmpty();

            engine.idle(Duration.ofMinutes(8).toMillis());
            assertThat(of(hits, COMPAT)).hasSize(1);
        }
    }

    @Test
    void flushEvaluatesHeldEventsInOrderButLeavesWindowsOpen() throws Exception {
        List<RuleHit> hits = new ArrayList<>();
        List<CloudTrailEvent> burst = TestEvents.burst("AIDAFLUSH", Instant.parse("2024-08-01T10:01:00Z"), 60, 2, "203.0.113.42");
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(Path.of("epl")), rules, hits::add)) {
            List<CloudTrailEvent> reversed = new ArrayList<>(burst);
            Collections.reverse(reversed);
            reversed.forEach(engine::accept);
            assertThat(engine.stats().pending()).isEqualTo(60);

            engine.flush();

            assertThat(engine.stats().pending()).isZero();
            assertThat(engine.stats().late()).isZero();
            // sorted before evaluation: the 51st call in event time fires, as in a sorted replay
            assertThat(of(hits, SLIDING)).singleElement().satisfies(hit -> assertThat(hit.count()).isEqualTo(51));
            // the 10:00 bin is still open: the clock stands at the newest event, not an hour past it
            assertThat(of(hits, COMPAT)).isEmpty();
            assertThat(engine.stats().eventTime()).isEqualTo(burst.get(59).getEventTimeMillis());
        }
    }

    private static List<String> summary(List<RuleHit> hits) {
        return hits.stream().map(h -> h.rule().id() + " " + h.principalId() + " " + h.count() + " " + h.windowStart() + " " + h.windowEnd()
                + " " + h.events().stream().map(CloudTrailEvent::getEventID).sorted().toList()).sorted().toList();
    }

}
