package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EventTimeBounds;
import io.trailsentry.engine.TestEvents;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.scoring.ScoringSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event time cannot be poisoned (issue #17, 3): 200,000 events dated 2099 once moved the server's
 * clock to 2099, every real event after them was late and alerts carried 2099. Now an event further
 * ahead than {@code max-future-skew} of the wall clock (server) or of the input around it (replay), or
 * older than {@code max-event-age} (server), is a dead letter with the reason and never reaches the
 * clock. Scaled down to 2,000 poisoned events; the wall clock is the test's.
 */
class PlausibleClockTest {

    private static final Instant NOW = Instant.parse("2024-09-02T12:00:00Z");
    private static final Duration SKEW = Duration.ofMinutes(15);

    private final List<Alert> alerts = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    @Test
    void theServerRefusesEventsFromTheFutureAndStillDetectsTheRealBurstAfterThem() throws Exception {
        try (DetectionPipeline server = pipeline(EventTimeBounds.live(SKEW, EventTimeBounds.DEFAULT_MAX_EVENT_AGE))) {
            ReadSummary poisoned = server.ingest(json(poison(2000, Instant.parse("2099-01-01T00:00:00Z"))), "http");

            assertThat(poisoned.accepted()).isZero();
            assertThat(poisoned.rejected()).isEqualTo(2000);
            assertThat(deadLetters).hasSize(2000);
            assertThat(deadLetters.get(0).reason()).contains("ahead of the clock of this server").contains("max-future-skew");
            assertThat(server.clockMillis()).as("the clock never saw 2099").isZero();

            List<CloudTrailEvent> burst = TestEvents.burst("AIDAREALACTOR", NOW.minusSeconds(1800), 60, 3, "203.0.113.5");
            ReadSummary real = server.ingest(json(burst), "http");
            server.finish();

            assertThat(real.accepted()).isEqualTo(60);
            assertThat(alerts).filteredOn(a -> "AIDAREALACTOR".equals(a.actor().principalId())).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.window().detectedAt()).isBefore(NOW.plus(Duration.ofHours(2))));
            assertThat(server.stats().engine().late()).isZero();
        }
    }

    @Test
    void theServerRefusesAbsurdlyOldEventsAndAcceptsOldOnesWithinTheBound() throws Exception {
        try (DetectionPipeline server = pipeline(EventTimeBounds.live(SKEW, Duration.ofDays(3653)))) {
            ReadSummary ancient = server.ingest(json(poison(3, Instant.parse("1990-01-01T00:00:00Z"))), "http");
            ReadSummary lastYear = server.ingest(json(poison(3, NOW.minus(Duration.ofDays(365)))), "http");
            server.flush();

            assertThat(ancient.rejected()).isEqualTo(3);
            assertThat(deadLetters).first().satisfies(d -> assertThat(d.reason()).contains("max-event-age"));
            assertThat(lastYear.accepted()).isEqualTo(3);
            assertThat(Instant.ofEpochMilli(server.clockMillis())).isAfter(Instant.parse("2023-01-01T00:00:00Z"));
        }
    }

    @Test
    void aReplayRefusesAnOutlierButFollowsAGapInTheLogs() throws Exception {
        try (DetectionPipeline replay = pipeline(EventTimeBounds.replay(SKEW))) {
            // last year's logs: one record months ahead of its neighbours (yet not in the wall clock's future),
            // then the logs go on where they were; then a gap of a day, which the next records confirm
            Instant lastYear = NOW.minus(Duration.ofDays(365));
            List<CloudTrailEvent> input = new ArrayList<>(TestEvents.burst("AIDABEFORE", lastYear, 10, 3, "10.0.0.1"));
            input.add(TestEvents.call("ListUsers", NOW.minus(Duration.ofDays(30)), "AIDAOUTLIER", "10.0.0.2").build());
            input.addAll(TestEvents.burst("AIDAAFTER", lastYear.plusSeconds(100), 10, 3, "10.0.0.3"));
            input.addAll(TestEvents.burst("AIDANEXTDAY", lastYear.plus(Duration.ofDays(1)), 10, 3, "10.0.0.4"));

            ReadSummary summary = replay.ingest(json(input), "replay.json");
            replay.finish();

            assertThat(summary.rejected()).isEqualTo(1);
            assertThat(summary.accepted()).isEqualTo(30);
            assertThat(deadLetters).singleElement().satisfies(d -> {
                assertThat(d.reason()).contains("ahead of the input around it");
                assertThat(d.excerpt()).contains("AIDAOUTLIER");
            });
            assertThat(replay.stats().engine().late()).as("nothing was made late by the outlier").isZero();
        }
    }

    @Test
    void aReplayRefusesWhatIsAheadOfTheWallClockEvenWhenItConfirmsItself() throws Exception {
        try (DetectionPipeline replay = pipeline(EventTimeBounds.replay(SKEW))) {
            List<CloudTrailEvent> input = new ArrayList<>(TestEvents.burst("AIDAREAL", NOW.minusSeconds(600), 5, 3, "10.0.0.1"));
            input.addAll(poison(100, Instant.parse("2099-01-01T00:00:00Z")));

            ReadSummary summary = replay.ingest(json(input), "replay.json");

            assertThat(summary.accepted()).isEqualTo(5);
            assertThat(summary.rejected()).isEqualTo(100);
        }
    }

    private DetectionPipeline pipeline(EventTimeBounds bounds) throws Exception {
        EngineSettings settings = EngineSettings.defaults(PipelineFixture.RULES).withEventTimeBounds(bounds.withWallClock(NOW::toEpochMilli));
        return new DetectionPipeline(settings, PipelineFixture.rules(), new ContextEnricher(ContextSettings.defaults(), new Baselines(1000)),
                ScoringSettings.defaults(), List.of(alerts::add), deadLetters::add);
    }

    private static List<CloudTrailEvent> poison(int n, Instant at) {
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(TestEvents.call("ListUsers", at.plusSeconds(i), "AIDAPOISON" + i, "198.51.100.1").build());
        }
        return events;
    }

    /** As a sender would post them: JSON lines. */
    private static byte[] json(List<CloudTrailEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (CloudTrailEvent e : events) {
            sb.append("{\"eventTime\":\"").append(e.getEventTime()).append("\",\"eventName\":\"").append(e.getEventName())
                    .append("\",\"eventSource\":\"iam.amazonaws.com\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"")
                    .append(e.getSourceIPAddress()).append("\",\"eventID\":\"").append(e.getEventID())
                    .append("\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"").append(e.getPrincipalId())
                    .append("\",\"arn\":\"").append(e.getArn()).append("\",\"accountId\":\"123456789012\"}}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
