package io.trailsentry.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real Apache Kafka broker (KRaft, one combined broker/controller node) on a free loopback port,
 * started inside the test JVM from the Maven Central jars: no Docker here. One per JVM, shared by
 * every test that needs one, stopped when the JVM exits; tests keep apart by topic and group names.
 */
public final class KafkaBroker {

    private static KafkaBroker shared;
    /** The broker logs every partition it creates at INFO; held here because log levels live only as long as their loggers. */
    private static final List<java.util.logging.Logger> QUIET = List.of("kafka", "state.change.logger", "org.apache.kafka")
            .stream().map(java.util.logging.Logger::getLogger).toList();

    private final KafkaClusterTestKit cluster;
    private final Admin admin;

    private KafkaBroker() throws Exception {
        QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    /** The JVM's broker, started on first use. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            try {
                shared = new KafkaBroker();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker: " + e.getMessage(), e);
            }
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-test-broker-stop"));
        }
        return shared;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return admin;
    }

    /**
     * Creates a topic (if absent) that keeps its records however old their timestamps: tests produce
     * records stamped with the sample's 2026-01-20 times, which time-based retention would delete.
     */
    public void createTopic(String name, int partitions) {
        try {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(Map.of("retention.ms", "-1"))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        }
    }

    public KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /** Every record of {@code topic} from the beginning to its end as of now. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " made no progress within 30 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    /** Polls {@code topic} until its records satisfy {@code done} or {@code timeout} passes; returns what it last read. */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic, Duration timeout,
                                                             Predicate<List<ConsumerRecord<String, String>>> done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> records = readAll(topic);
        while (!done.test(records) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            records = readAll(topic);
        }
        return records;
    }

    /** The group's committed offsets on {@code topic} (absent partitions have none). */
    public Map<TopicPartition, Long> committed(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of group " + group + ": " + e.getMessage(), e);
        }
    }

    /** End offsets of every partition of {@code topic}. */
    public Map<TopicPartition, Long> endOffsets(String topic) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                query.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(query).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }

    /** True once {@code group} has committed every partition of {@code topic} up to its end. */
    public boolean caughtUp(String group, String topic) {
        Map<TopicPartition, Long> ends = endOffsets(topic);
        Map<TopicPartition, Long> committed = committed(group, topic);
        return ends.entrySet().stream().allMatch(e -> e.getValue() == 0 || e.getValue().equals(committed.get(e.getKey())));
    }

    private void close() {
        // This runs in a JVM shutdown hook. A fault the broker hits while the JVM is going away (its
        // log dirs, a thread already stopped) would call Kafka's Exit.halt/exit with a non-zero code
        // and turn a green test run into a failed fork; nothing is left to protect at this point.
        org.apache.kafka.common.utils.Exit.setHaltProcedure((statusCode, message) -> { });
        org.apache.kafka.common.utils.Exit.setExitProcedure((statusCode, message) -> { });
        try {
            admin.close();
            cluster.close();
        } catch (Exception e) {
            System.err.println("stopping the test Kafka broker: " + e.getMessage());
        }
    }
}
