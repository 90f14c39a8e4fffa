package io.trailsentry.engine.sigma;

import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.TestEvents;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's sliding IAM-enumeration rule written as a Sigma event_count correlation
 * ({@code src/test/resources/sigma/rules/discovery_iam_enumeration_sigma.yml}) gives the same alerts
 * as {@code epl/discovery_iam_enumeration_sliding.epl} on the same events: same principal, window,
 * count, evidence and the same event-time moment of firing.
 */
class SigmaSeedEquivalenceTest {

    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";
    static final String SIGMA = "6f1d3c52-8a0e-4a47-9d1b-2c5e7f9a0b13";

    static CompiledRules epl;
    static CompiledRules sigma;

    @BeforeAll
    static void compile(@TempDir Path eplDir, @TempDir Path sigmaDir) throws Exception {
        Files.copy(Path.of("epl/discovery_iam_enumeration_sliding.epl"), eplDir.resolve("discovery_iam_enumeration_sliding.epl"));
        Files.copy(Path.of("src/test/resources/sigma/rules/discovery_iam_enumeration_sigma.yml"), sigmaDir.resolve("discovery_iam_enumeration_sigma.yml"));
        epl = EsperEngine.compile(eplDir);
        sigma = EsperEngine.compile(sigmaDir);
        assertThat(sigma.refused()).isEmpty();
    }

    /** What must be equal: who, which window, how many, which events, and when it fired. */
    record Seen(String principalId, String arn, String accountId, long windowStart, long windowEnd, long count, long firedAt, List<String> eventIds) {
        static Seen of(RuleHit h) {
            return new Seen(h.principalId(), h.principalArn(), h.accountId(), h.windowStart(), h.windowEnd(), h.count(), h.engineTime(),
                    h.events().stream().map(CloudTrailEvent::getEventID).sorted().toList());
        }
    }

    static List<Seen> run(CompiledRules rules, String ruleId, List<CloudTrailEvent> events) throws Exception {
        List<Seen> seen = new ArrayList<>();
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(Path.of("epl")), rules, h -> {
            if (h.rule().id().equals(ruleId)) {
                seen.add(Seen.of(h));
            }
        })) {
            events.forEach(engine::accept);
            engine.finish();
        }
        return seen;
    }

    static void assertSameAlerts(List<CloudTrailEvent> events) throws Exception {
        List<Seen> expected = run(epl, SLIDING, events);
        List<Seen> actual = run(sigma, SIGMA, events);
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void aBurstStraddlingTheSentinelBinsFiresOnceAtThe51stCall() throws Exception {
        Instant boundary = Instant.parse("2024-08-01T10:20:00Z");
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDASTRADDLE", boundary.minusSeconds(96), 32, 3, "203.0.113.42"));
        events.addAll(TestEvents.burst("AIDASTRADDLE", boundary, 32, 3, "203.0.113.42"));
        assertThat(run(sigma, SIGMA, events)).hasSize(1).first().extracting(Seen::count).isEqualTo(51L);
        assertSameAlerts(events);
    }

    @Test
    void aLongScanIsOneAlertAndASecondBurstAfterTheWindowDrainsIsAnother() throws Exception {
        Instant start = Instant.parse("2024-08-01T09:00:00Z");
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDASCAN", start, 600, 1, "198.51.100.7"));
        events.addAll(TestEvents.burst("AIDASCAN", start.plusSeconds(3600), 60, 2, "198.51.100.7"));
        assertThat(run(sigma, SIGMA, events)).hasSize(2);
        assertSameAlerts(events);
    }

    @Test
    void thresholdAndBelowStaySilentAndPrincipalsAreNotAddedUp() throws Exception {
        Instant start = Instant.parse("2024-08-01T11:00:00Z");
        List<CloudTrailEvent> events = new ArrayList<>(TestEvents.burst("AIDAFIFTY", start, 50, 11, "203.0.113.1"));
        events.addAll(TestEvents.burst("AIDAONE", start.plusSeconds(2000), 40, 5, "203.0.113.2"));
        events.addAll(TestEvents.burst("AIDATWO", start.plusSeconds(2000), 40, 5, "203.0.113.3"));
        events.sort(Comparator.comparingLong(CloudTrailEvent::getEventTimeMillis));
        assertThat(run(sigma, SIGMA, events)).isEmpty();
        assertSameAlerts(events);
    }

    @Test
    void randomTrafficOfManyPrincipalsGivesTheSameAlerts() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            Instant start = Instant.parse("2024-08-02T00:00:00Z");
            List<CloudTrailEvent> events = new ArrayList<>();
            for (int p = 0; p < 12; p++) {
                String principal = "AIDARANDOM" + p;
                int bursts = 1 + random.nextInt(4);
                for (int b = 0; b < bursts; b++) {
                    Instant at = start.plusSeconds(random.nextInt(6 * 3600));
                    int n = 20 + random.nextInt(120);
                    int step = 1 + random.nextInt(20);
                    events.addAll(TestEvents.burst(principal, at, n, step, "203.0.113." + p).stream()
                            .map(e -> e.toBuilder().eventID(e.getEventID() + "-" + at.getEpochSecond()).build()).toList());
                }
            }
            // Other calls the rules must ignore, between the bursts.
            for (int i = 0; i < 500; i++) {
                events.add(TestEvents.call("GetUser", start.plusSeconds(random.nextInt(6 * 3600)), "AIDARANDOM" + random.nextInt(12), "203.0.113.9")
                        .eventID("noise-" + seed + "-" + i).build());
            }
            events.sort(Comparator.comparingLong(CloudTrailEvent::getEventTimeMillis));
            List<Seen> expected = run(epl, SLIDING, events);
            assertThat(expected).as("seed %d has alerts to compare", seed).isNotEmpty();
            assertThat(run(sigma, SIGMA, events)).as("seed %d", seed).containsExactlyElementsOf(expected);
        }
    }
}
