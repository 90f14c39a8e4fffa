package io.trailsentry.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lookback against a real broker: which records a restart re-reads, found by record
 * timestamp, and which alert ids it remembers.
 */
class LookbackReaderIT {

    static final Instant T0 = Instant.parse("2026-01-20T17:00:00Z");
    final KafkaBroker broker = KafkaBroker.shared();
    Consumer<String, byte[]> consumer;

    @BeforeEach
    void open() {
        consumer = new KafkaReaders(Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", "must-not-be-used"))
                .create("lookback-it");
    }

    @AfterEach
    void close() {
        consumer.close();
    }

    @Test
    void theReplayStartsAtTheLookbackBeforeTheLastCommittedRecordsTimestamp() throws Exception {
        String topic = topic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = broker.producer()) {
            for (int minute = 0; minute < 100; minute++) {
                send(producer, new ProducerRecord<>(topic, 0, T0.plusSeconds(60L * minute).toEpochMilli(), "k", "record " + minute));
            }
        }
        LookbackReader reader = new LookbackReader(consumer, Duration.ofMinutes(15), Duration.ofSeconds(30));

        // Committed up to offset 100: the last committed record is minute 99, so the replay starts at minute 84.
        LookbackReader.Range range = reader.rangeBefore(tp, 100).orElseThrow();
        assertThat(range.from()).isEqualTo(84);
        assertThat(range.to()).isEqualTo(100);
        assertThat(range.sinceTimestamp()).isEqualTo(T0.plusSeconds(60L * 84).toEpochMilli());

        List<Long> offsets = new ArrayList<>();
        long read = reader.read(range, batch -> batch.forEach(record -> offsets.add(record.offset())));
        assertThat(read).isEqualTo(16);
        assertThat(offsets).containsExactlyElementsOf(java.util.stream.LongStream.range(84, 100).boxed().toList());

        // Committed mid-topic: nothing after the committed offset is replayed.
        LookbackReader.Range middle = reader.rangeBefore(tp, 50).orElseThrow();
        assertThat(middle.from()).isEqualTo(34);
        assertThat(middle.to()).isEqualTo(50);
    }

    @Test
    void nothingCommittedMeansNothingToReplay() throws Exception {
        String topic = topic(1);
        try (KafkaProducer<String, String> producer = broker.producer()) {
            send(producer, new ProducerRecord<>(topic, 0, T0.toEpochMilli(), "k", "only"));
        }
        LookbackReader reader = new LookbackReader(consumer, Duration.ofMinutes(15), Duration.ofSeconds(30));
        assertThat(reader.rangeBefore(new TopicPartition(topic, 0), 0)).isEqualTo(Optional.empty());
    }

    @Test
    void alertIdsAreReadFromEveryPartitionSinceTheTimestampAndOtherMessagesIgnored() throws Exception {
        String topic = topic(2);
        try (KafkaProducer<String, String> producer = broker.producer()) {
            send(producer, new ProducerRecord<>(topic, 0, T0.toEpochMilli(), "a", "{\"alertId\":\"too-old\"}"));
            send(producer, new ProducerRecord<>(topic, 0, T0.plusSeconds(600).toEpochMilli(), "a", "{\"alertId\":\"recent-0\"}"));
            send(producer, new ProducerRecord<>(topic, 1, T0.plusSeconds(700).toEpochMilli(), "b", "{\"alertId\":\"recent-1\"}"));
            send(producer, new ProducerRecord<>(topic, 1, T0.plusSeconds(800).toEpochMilli(), "b", "not an alert"));
        }
        LookbackReader reader = new LookbackReader(consumer, Duration.ofMinutes(15), Duration.ofSeconds(30));

        assertThat(reader.alertIdsSince(topic, T0.plusSeconds(300).toEpochMilli())).containsExactlyInAnyOrder("recent-0", "recent-1");
        assertThat(reader.alertIdsSince("no-such-topic-" + UUID.randomUUID(), 0)).isEmpty();
    }

    @Test
    void theReadersConsumerBelongsToNoGroupSoItCanNeverMoveTheGroupsOffsets() {
        // built from a configuration naming a group, as kafka.* may
        assertThatThrownBy(() -> consumer.commitSync()).isInstanceOf(InvalidGroupIdException.class);
    }

    private String topic(int partitions) {
        String name = "lookback-" + UUID.randomUUID();
        broker.createTopic(name, partitions);
        return name;
    }

    private static void send(KafkaProducer<String, String> producer, ProducerRecord<String, String> record) throws Exception {
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

}
