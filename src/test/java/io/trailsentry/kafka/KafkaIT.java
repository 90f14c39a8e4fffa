package io.trailsentry.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server with Kafka switched on, against a real broker: CloudTrail in (S3 file, EventBridge
 * envelopes, single records), alerts out on the topic keyed by actor, bad input to the dead-letter
 * topic without holding up what follows, offsets committed once processed. Tests share the app and
 * its partitions' clocks, so each works on a later day than the one before.
 */
@QuarkusTest
@TestProfile(KafkaIT.KafkaOn.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaIT {

    static final String INPUT = "it-cloudtrail";
    static final String ALERTS = "it-alerts";
    static final String DEAD_LETTERS = "it-dead-letter";
    static final String GROUP = "it-trailsentry";
    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    static final String SLIDING = "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34";
    static final Path DATA = Path.of("target/test-data/kafka-it");
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kafka on, its channels on this test's topics and group, files apart from the other tests'. */
    public static class KafkaOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("trailsentry.kafka.enabled", "true"),
                    Map.entry("mp.messaging.incoming.cloudtrail.topic", INPUT),
                    Map.entry("mp.messaging.incoming.cloudtrail.group.id", GROUP),
                    Map.entry("mp.messaging.outgoing.alerts.topic", ALERTS),
                    Map.entry("mp.messaging.outgoing.dead-letter.topic", DEAD_LETTERS),
                    Map.entry("trailsentry.alerts.file", DATA.resolve("alerts.jsonl").toString()),
                    Map.entry("trailsentry.dead-letter.file", DATA.resolve("dead-letter.jsonl").toString()),
                    Map.entry("trailsentry.context.baseline-file", DATA.resolve("baselines.json").toString()),
                    Map.entry("trailsentry.inbox.enabled", "false"));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerResource.class));
        }
    }

    @Test
    @Order(1)
    void cloudTrailInEveryShapeGivesAlertsOnTheTopicKeyedByActor() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        Instant start = Instant.parse("2024-10-01T10:01:00Z");
        List<String> burst = CloudTrailRecords.burst("kafka-burst", start, 60, 3, "203.0.113.61");
        try (KafkaProducer<String, String> producer = broker.producer()) {
            // The same account key for every message: one partition, in order, as a producer keyed by account sends it.
            send(producer, CloudTrailRecords.s3File(burst.subList(0, 30)));
            for (String record : burst.subList(30, 50)) {
                send(producer, CloudTrailRecords.eventBridge(record));
            }
            for (String record : burst.subList(50, 60)) {
                send(producer, record);
            }
            // CreateUser after the burst: a building block that joins the actor's incident, never sent on the topic.
            send(producer, CloudTrailRecords.record("kafka-burst-create", start.plusSeconds(200), "CreateUser", "kafka-burst", "203.0.113.61"));
            // A later call moves this partition's event time past the end of the 10:00 bin, which closes it.
            send(producer, CloudTrailRecords.record("kafka-burst-later", start.plusSeconds(1500), "GetUser", "kafka-burst", "203.0.113.61"));
        }

        List<ConsumerRecord<String, String>> alerts = broker.awaitRecords(ALERTS, WAIT,
                records -> rules(records, "kafka-burst").containsAll(List.of(COMPAT, SLIDING)));

        List<ConsumerRecord<String, String>> mine = ofUser(alerts, "kafka-burst");
        assertThat(rules(alerts, "kafka-burst")).contains(COMPAT, SLIDING);
        assertThat(mine).allSatisfy(record -> assertThat(record.key()).isEqualTo(CloudTrailRecords.arn("kafka-burst")));
        JsonNode compat = mine.stream().map(KafkaIT::json).filter(a -> a.get("ruleId").asText().equals(COMPAT)).findFirst().orElseThrow();
        assertThat(compat.get("count").asInt()).isEqualTo(60);
        assertThat(compat.get("windowStart").asText()).isEqualTo("2024-10-01T10:00:00Z");
        assertThat(compat.get("actorKey").asText()).isEqualTo(CloudTrailRecords.arn("kafka-burst"));
        assertThat(mine.stream().map(r -> json(r).get("alertId").asText()).distinct()).hasSize(mine.size());
        assertThat(mine).extracting(r -> json(r).get("buildingBlock").asBoolean()).containsOnly(false);
        assertThat(Files.readString(DATA.resolve("alerts.jsonl"))).as("the alert file keeps the building block")
                .contains("\"ruleId\":\"7c8b7ed3-1988-493f-a222-84dbe22039b1\"");
        // the server's other sinks get them too
        assertThat(Files.readString(DATA.resolve("alerts.jsonl"))).contains(compat.get("alertId").asText());
        awaitCaughtUp();
    }

    @Test
    @Order(2)
    void badInputGoesToTheDeadLetterTopicAndTheNextGoodMessageIsProcessed() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        Instant start = Instant.parse("2024-10-02T10:01:00Z");
        List<String> burst = CloudTrailRecords.burst("kafka-after-junk", start, 55, 3, "203.0.113.62");
        long junkOffset;
        try (KafkaProducer<String, String> producer = broker.producer()) {
            junkOffset = send(producer, "this is not CloudTrail");
            send(producer, "{\"eventTime\": \"2024-10-02T10:00:00Z\", \"eventName\": ");
            send(producer, CloudTrailRecords.s3File(burst));
            send(producer, CloudTrailRecords.record("kafka-after-junk-later", start.plusSeconds(1500), "GetUser", "kafka-after-junk", "203.0.113.62"));
        }

        List<ConsumerRecord<String, String>> deadLetters = broker.awaitRecords(DEAD_LETTERS, WAIT, records -> records.size() >= 2);
        assertThat(deadLetters).hasSizeGreaterThanOrEqualTo(2);
        JsonNode junk = deadLetters.stream().map(KafkaIT::json)
                .filter(d -> d.get("source").asText().endsWith("@" + junkOffset)).findFirst().orElseThrow();
        assertThat(junk.get("source").asText()).startsWith(INPUT + "-");
        assertThat(junk.get("reason").asText()).isNotBlank();
        assertThat(junk.get("excerpt").asText()).contains("not CloudTrail");
        assertThat(Files.readString(DATA.resolve("dead-letter.jsonl"))).contains(junk.get("source").asText());

        List<ConsumerRecord<String, String>> alerts = broker.awaitRecords(ALERTS, WAIT,
                records -> rules(records, "kafka-after-junk").containsAll(List.of(COMPAT, SLIDING)));
        assertThat(rules(alerts, "kafka-after-junk")).contains(COMPAT, SLIDING);
        awaitCaughtUp();
    }

    /** Sends to the input topic keyed by the account; returns the offset it got. */
    private static long send(KafkaProducer<String, String> producer, String value) throws Exception {
        return producer.send(new ProducerRecord<>(INPUT, CloudTrailRecords.ACCOUNT, value)).get(30, TimeUnit.SECONDS).offset();
    }

    private static void awaitCaughtUp() throws InterruptedException {
        KafkaBroker broker = KafkaBroker.shared();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!broker.caughtUp(GROUP, INPUT) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(broker.caughtUp(GROUP, INPUT)).as("group %s committed %s up to its end", GROUP, INPUT).isTrue();
    }

    private static List<ConsumerRecord<String, String>> ofUser(List<ConsumerRecord<String, String>> records, String userName) {
        Predicate<ConsumerRecord<String, String>> mine = r -> CloudTrailRecords.arn(userName).equals(json(r).path("actorKey").asText());
        return records.stream().filter(mine).toList();
    }

    private static List<String> rules(List<ConsumerRecord<String, String>> records, String userName) {
        return ofUser(records, userName).stream().map(r -> json(r).get("ruleId").asText()).toList();
    }

    private static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
