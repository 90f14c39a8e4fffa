package io.trailsentry.kafka;

import io.trailsentry.alert.Alert;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.RuleError;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.TestRules;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.scoring.ScoringSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionPipelinesTest {

    static final Path RULES = Path.of("epl");
    static final String TOPIC = "ct";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    static final Instant START = Instant.parse("2024-08-01T10:01:00Z");
    static CompiledRules rules;

    final List<Alert> alerts = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final Baselines baselines = new Baselines(1000);
    PartitionPipelines pipelines = new PartitionPipelines(this::pipeline, rules, List.of(alerts::add), deadLetters::add, System::nanoTime);

    @BeforeAll
    static void compile() throws RuleLoadException {
        rules = TestRules.compile(RULES);
    }

    @AfterEach
    void close() {
        pipelines.close();
    }

    DetectionPipeline pipeline(CompiledRules compiled, List<io.trailsentry.alert.AlertSink> sinks, io.trailsentry.ingest.DeadLetterSink dead)
            throws RuleLoadException {
        return new DetectionPipeline(EngineSettings.defaults(RULES), compiled,
                new ContextEnricher(ContextSettings.defaults(), baselines), ScoringSettings.defaults(), sinks, dead);
    }

    @Test
    void aPartitionRunningAheadDoesNotMakeAnotherPartitionsEventsLate() throws Exception {
        pipelines.assign(List.of(P0, P1));
        pipelines.open(P0);
        pipelines.open(P1);
        List<String> ahead = new ArrayList<>(CloudTrailRecords.burst("ahead", START, 60, 3, "203.0.113.1"));
        ahead.add(CloudTrailRecords.record("ahead-later", START.plusSeconds(3600), "GetUser", "ahead", "203.0.113.1"));
        List<String> behind = new ArrayList<>(CloudTrailRecords.burst("behind", START, 60, 3, "203.0.113.2"));
        behind.add(CloudTrailRecords.record("behind-later", START.plusSeconds(1500), "GetUser", "behind", "203.0.113.2"));

        // The whole of partition 0, an hour ahead, is consumed before partition 1 begins.
        pipelines.consume(records(P0, 0, ahead), () -> { });
        pipelines.consume(records(P1, 0, behind), () -> { });

        // Partition 1's 10:00 bin holds its 60 calls: with one clock for both, they would have been
        // evaluated at 11:01 and landed in a bin that never closed.
        assertThat(ofUser("behind", KafkaIT.COMPAT)).singleElement().satisfies(alert -> {
            assertThat(alert.window().count()).isEqualTo(60);
            assertThat(alert.window().windowStart()).isEqualTo(Instant.parse("2024-08-01T10:00:00Z"));
        });
        assertThat(ofUser("ahead", KafkaIT.COMPAT)).singleElement().satisfies(alert -> assertThat(alert.window().count()).isEqualTo(60));
        assertThat(pipelines.records()).isEqualTo(122);
        assertThat(pipelines.eventsRead()).isEqualTo(122);
    }

    @Test
    void aReplayRebuildsWindowsSilentlySoTheRestartNeitherRepeatsNorMissesTheBurst() throws Exception {
        pipelines.assign(List.of(P0));
        // Offsets 0..59 were consumed before the restart: the sliding alert went out then.
        pipelines.replay(P0, records(P0, 0, CloudTrailRecords.burst("straddler", START, 60, 3, "203.0.113.3")));
        pipelines.open(P0);
        assertThat(alerts).isEmpty();
        assertThat(pipelines.suppressedAlerts()).isPositive();

        // The first record after the committed offset closes the 10:00 bin the replay rebuilt.
        pipelines.consume(records(P0, 60, List.of(CloudTrailRecords.record("straddler-later", START.plusSeconds(1500), "GetUser",
                "straddler", "203.0.113.3"))), () -> { });

        assertThat(ofUser("straddler", KafkaIT.COMPAT)).singleElement().satisfies(alert -> assertThat(alert.window().count()).isEqualTo(60));
        assertThat(ofUser("straddler", KafkaIT.SLIDING)).isEmpty();
        assertThat(pipelines.replayedRecords()).isEqualTo(60);
        assertThat(pipelines.records()).isEqualTo(1);
    }

    @Test
    void badMessagesAreDeadLetteredWithTheirOffsetAndTheBatchGoesOn() throws Exception {
        pipelines.assign(List.of(P0));
        pipelines.open(P0);
        List<ConsumerRecord<String, byte[]>> batch = List.of(
                new ConsumerRecord<>(TOPIC, 0, 7, "k", new byte[0]),
                new ConsumerRecord<>(TOPIC, 0, 8, "k", "not json at all".getBytes(StandardCharsets.UTF_8)),
                new ConsumerRecord<>(TOPIC, 0, 9, "k", CloudTrailRecords.record("fine", START, "ListUsers", "fine", "10.0.0.1")
                        .getBytes(StandardCharsets.UTF_8)));
        pipelines.consume(batch, () -> { });

        assertThat(deadLetters).extracting(DeadLetter::source).containsExactly("ct-0@7", "ct-0@8");
        assertThat(deadLetters.get(0).reason()).contains("empty message");
        assertThat(pipelines.eventsRead()).isEqualTo(1);
        assertThat(pipelines.eventsRejected()).isEqualTo(2);
    }

    @Test
    void replayedBadInputIsNotDeadLetteredAgain() throws Exception {
        pipelines.assign(List.of(P0));
        pipelines.replay(P0, List.of(new ConsumerRecord<>(TOPIC, 0, 0, "k", "junk".getBytes(StandardCharsets.UTF_8))));
        pipelines.open(P0);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void recordsOfARevokedPartitionAreLeftForItsNewOwner() throws Exception {
        pipelines.assign(List.of(P0, P1));
        pipelines.revoke(List.of(P1));
        pipelines.consume(records(P1, 0, CloudTrailRecords.burst("gone", START, 3, 3, "203.0.113.4")), () -> { });
        assertThat(pipelines.skippedRecords()).isEqualTo(3);
        assertThat(pipelines.size()).isEqualTo(1);
    }

    @Test
    void anAssignedPartitionWithoutAPipelineFailsTheBatchRatherThanSkippingIt() {
        pipelines = new PartitionPipelines((compiled, sinks, dead) -> {
            throw new RuleLoadException(List.of(new RuleError("x.epl", 1, 1, "broken")));
        }, rules, List.of(alerts::add), deadLetters::add, System::nanoTime);
        assertThatThrownBy(() -> pipelines.assign(List.of(P0))).isInstanceOf(RuleLoadException.class);

        assertThatThrownBy(() -> pipelines.consume(records(P0, 0, CloudTrailRecords.burst("lost", START, 1, 3, "203.0.113.5")), () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not acknowledging");
    }

    @Test
    void beforeReleaseRunsInsideTheBatchAndAFailureThereFailsTheBatch() throws Exception {
        pipelines.assign(List.of(P0));
        pipelines.open(P0);
        assertThatThrownBy(() -> pipelines.consume(records(P0, 0, List.of(CloudTrailRecords.record("x", START, "ListUsers", "x", "10.0.0.1"))),
                () -> {
                    throw new PendingSends.SendFailedException("broker gone", null);
                })).hasMessageContaining("broker gone");
    }

    @Test
    void afterShutdownABatchIsRefusedSoItIsNotAcknowledged() throws Exception {
        pipelines.assign(List.of(P0));
        pipelines.open(P0);
        pipelines.close();
        assertThatThrownBy(() -> pipelines.consume(records(P0, 0, List.of(CloudTrailRecords.record("late", START, "ListUsers", "late", "10.0.0.1"))),
                () -> { })).hasMessageContaining("not acknowledged");
        assertThat(pipelines.assign(List.of(P1))).isEmpty();
    }

    @Test
    void aPartitionAssignedTwiceKeepsItsPipelineAndIsNotRebuiltAgain() throws Exception {
        assertThat(pipelines.assign(List.of(P0))).containsExactly(P0);
        assertThat(pipelines.assign(List.of(P0, P1))).containsExactly(P1);
    }

    static List<ConsumerRecord<String, byte[]>> records(TopicPartition tp, long firstOffset, List<String> values) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            records.add(new ConsumerRecord<>(tp.topic(), tp.partition(), firstOffset + i, CloudTrailRecords.ACCOUNT,
                    values.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    List<Alert> ofUser(String userName, String ruleId) {
        return alerts.stream().filter(a -> CloudTrailRecords.arn(userName).equals(a.actor().actorKey()) && a.rule().ruleId().equals(ruleId)).toList();
    }
}
