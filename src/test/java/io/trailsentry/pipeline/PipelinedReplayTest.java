package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.engine.EngineStats;
import io.trailsentry.sample.EnumerationBurst;
import io.trailsentry.sample.Payloads;
import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelinedReplayTest {

    private static final Instant START = Instant.parse("2026-01-20T08:00:00Z");

    /** 3,000 background calls over 12.5 minutes of event time and an enumeration burst, as newline-delimited records in payloads of 500. */
    private static List<byte[]> payloads() {
        SampleSpec spec = SampleSpec.sizedFor(7, START, 3_000, 4, 40, List.of(new EnumerationBurst("build-bot", START.plusSeconds(300), "203.0.113.42")));
        return Payloads.newlineDelimited(new SampleGenerator(spec).recordBytes(), 500);
    }

    @Test
    void drainWaitsForTheEngineButKeepsWhatTheReorderBufferHolds() throws Exception {
        List<byte[]> payloads = payloads();
        PipelineFixture fixture = new PipelineFixture();
        try (PipelinedReplay replay = new PipelinedReplay(fixture.pipeline)) {
            long read = 0;
            for (byte[] payload : payloads) {
                read += replay.ingest(payload, "replay").accepted();
            }
            replay.drain();
            EngineStats stats = fixture.pipeline.stats().engine();
            // every event read has reached the engine: evaluated, or held for the allowed lateness
            assertThat(stats.processed() + stats.pending() + stats.duplicates()).isEqualTo(read);
            assertThat(stats.pending()).as("the last five minutes of event time stay held").isPositive();
            assertThat(stats.processed()).isPositive();
            assertThat(replay.engineCpuNanos()).isNotZero();

            replay.finish();
            EngineStats end = fixture.pipeline.stats().engine();
            assertThat(end.pending()).isZero();
            assertThat(end.processed() + end.duplicates()).isEqualTo(read);
            assertThatThrownBy(replay::drain).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void twoThreadsAlertAsOneDoes() throws Exception {
        List<byte[]> payloads = payloads();
        PipelineFixture oneThread = new PipelineFixture();
        for (byte[] payload : payloads) {
            oneThread.pipeline.ingest(payload, "replay");
        }
        oneThread.pipeline.finish();

        PipelineFixture twoThreads = new PipelineFixture();
        try (PipelinedReplay replay = new PipelinedReplay(twoThreads.pipeline)) {
            for (int i = 0; i < payloads.size(); i++) {
                replay.ingest(payloads.get(i), "replay");
                if (i % 2 == 0) {
                    replay.drain(); // drains in between change nothing
                }
            }
            replay.finish();
        }

        assertThat(twoThreads.alerts).isNotEmpty();
        assertThat(twoThreads.alerts.stream().map(PipelinedReplayTest::key).toList())
                .isEqualTo(oneThread.alerts.stream().map(PipelinedReplayTest::key).toList());
    }

    private static String key(Alert a) {
        return a.rule().ruleId() + " " + a.actor().principalArn() + " " + a.score() + " " + a.rating().severity();
    }
}
