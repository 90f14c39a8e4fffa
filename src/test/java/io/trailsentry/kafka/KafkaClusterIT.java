package io.trailsentry.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.engine.TestRules;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server against a real broker, as child processes: crashed (SIGKILL) mid-stream and
 * started again, and two instances sharing a four-partition topic. The input is the bundled attack
 * sample in four accounts, one partition each, delivered as five-minute S3 files; the alerts it must
 * yield are those of replaying each account on its own (17 per account, README). Runs after
 * {@code package} (failsafe).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaClusterIT {

    static final int PARTITIONS = 4;
    static final Path DIR = Path.of("target/cluster-it");
    static final Duration WAIT = Duration.ofMinutes(2);
    /** The sample is 17:15–18:15; it is fed in three parts around two crashes. */
    static final Instant PART_2 = Instant.parse("2026-01-20T17:45:00Z");
    static final Instant PART_3 = Instant.parse("2026-01-20T18:10:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    static KafkaBroker broker;
    static SampleFeed feed;
    static Map<String, Instant> expected;
    /** What one instance ended with in the restart test, for the scale-out test to compare with. */
    static Set<String> oneInstanceAlerts;

    @BeforeAll
    static void startBrokerAndWorkOutTheExpectedAlerts() throws Exception {
        if (Files.exists(DIR)) {
            try (Stream<Path> files = Files.walk(DIR)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        broker = KafkaBroker.shared();
        feed = SampleFeed.inAccounts(PARTITIONS, PARTITIONS);
        expected = feed.expectedAlerts();
        // README's worked example: 16 alerts for analysts (its 15 building blocks stay off the topic).
        assertThat(expected).as("the sample's 16 alerts for analysts in each account").hasSize(16 * PARTITIONS);
    }

    @Test
    @Order(1)
    void aCrashMidStreamAndARestartGiveEveryExpectedAlertExactlyOnce() throws Exception {
        String topic = "restart-cloudtrail";
        String alerts = "restart-alerts";
        String group = "restart";
        createTopics(topic, alerts, "restart-dead-letter");
        Path data = DIR.resolve("restart"); // one data folder: the same deployment, restarted

        try (KafkaProducer<String, String> producer = broker.producer()) {
            // A consumes the first half hour, commits it, and crashes.
            AppInstance a = AppInstance.start("a", data, instance(topic, alerts, "restart-dead-letter", group, data, Duration.ofMillis(200)));
            a.awaitLog("assigned:", 1, WAIT);
            SampleFeed.send(producer, topic, feed.files(Instant.EPOCH, PART_2));
            await(() -> broker.caughtUp(group, topic), WAIT, "A commits the first part");
            Map<TopicPartition, Long> committedByA = broker.committed(group, topic);
            Set<String> afterA = new HashSet<>(alertIds(alerts));
            assertThat(afterA).isSubsetOf(expected.keySet()).containsAll(detectedBefore(Instant.parse("2026-01-20T17:40:01Z")));
            a.kill();

            // B rebuilds the first part from the lookback (sending none of its alerts again), consumes
            // the second part, sends its alerts, and crashes before committing it.
            SampleFeed.send(producer, topic, feed.files(PART_2, PART_3));
            AppInstance b = AppInstance.start("b", data, instance(topic, alerts, "restart-dead-letter", group, data, Duration.ofMinutes(10)));
            await(() -> !afterA.containsAll(alertIds(alerts)), WAIT, "B sends an alert of the second part");
            b.kill();
            assertThat(broker.committed(group, topic)).as("B committed nothing: its input is replayed").isEqualTo(committedByA);
            assertThat(lookbackReplayed(b)).as("B replayed the committed part to rebuild its windows").isPositive();

            // C rebuilds the first part, consumes the second again (its alerts are on the topic
            // already and are dropped) and the third.
            SampleFeed.send(producer, topic, feed.files(PART_3, Instant.MAX));
            try (AppInstance c = AppInstance.start("c", data, instance(topic, alerts, "restart-dead-letter", group, data, Duration.ofMillis(200)))) {
                await(() -> broker.caughtUp(group, topic) && alertIds(alerts).size() >= expected.size(), WAIT, "C catches up");
                List<String> written = alertIds(alerts);
                assertThat(written).doesNotHaveDuplicates();
                assertThat(new HashSet<>(written)).isEqualTo(expected.keySet());
                assertThat(lookbackReplayed(c)).isPositive();
                oneInstanceAlerts = new HashSet<>(written);
                c.close();
                assertThat(droppedAsAlreadyOnTheTopic(c)).as("C regenerated B's alerts and dropped them").isPositive();
            }
        }
    }

    @Test
    @Order(2)
    void twoInstancesInOneGroupSplitThePartitionsAndGiveTheSameAlertsAsOne() throws Exception {
        String topic = "scale-cloudtrail";
        String alerts = "scale-alerts";
        String group = "scale";
        createTopics(topic, alerts, "scale-dead-letter");
        Path one = DIR.resolve("scale-1");
        Path two = DIR.resolve("scale-2");
        try (AppInstance first = AppInstance.start("s1", one, instance(topic, alerts, "scale-dead-letter", group, one, Duration.ofMillis(200)));
             AppInstance second = AppInstance.start("s2", two, instance(topic, alerts, "scale-dead-letter", group, two, Duration.ofMillis(200)));
             KafkaProducer<String, String> producer = broker.producer()) {
            await(() -> assignment(group).values().stream().map(Set::size).toList().equals(List.of(2, 2)), WAIT,
                    "both instances own two partitions each");

            SampleFeed.send(producer, topic, feed.files());
            await(() -> broker.caughtUp(group, topic) && alertIds(alerts).size() >= expected.size(), WAIT, "the group catches up");

            List<String> written = alertIds(alerts);
            assertThat(written).doesNotHaveDuplicates();
            assertThat(new HashSet<>(written)).isEqualTo(expected.keySet());
            if (oneInstanceAlerts != null) {
                assertThat(new HashSet<>(written)).isEqualTo(oneInstanceAlerts);
            }
            // each instance alerted on the accounts of its own partitions
            assertThat(Files.readAllLines(one.resolve("alerts.jsonl"))).isNotEmpty();
            assertThat(Files.readAllLines(two.resolve("alerts.jsonl"))).isNotEmpty();
        }
    }

    /** The app's configuration for one instance: this test's topics and group, files under {@code data}. */
    static Map<String, String> instance(String topic, String alerts, String deadLetters, String group, Path data, Duration commitInterval) {
        Map<String, String> properties = new HashMap<>();
        properties.put("trailsentry.kafka.enabled", "true");
        properties.put("kafka.bootstrap.servers", broker.bootstrapServers());
        properties.put("mp.messaging.incoming.cloudtrail.topic", topic);
        properties.put("mp.messaging.incoming.cloudtrail.group.id", group);
        properties.put("mp.messaging.incoming.cloudtrail.auto.commit.interval.ms", Long.toString(commitInterval.toMillis()));
        // a crashed member's partitions move on after this, not after the default 45 s
        properties.put("mp.messaging.incoming.cloudtrail.session.timeout.ms", "6000");
        properties.put("mp.messaging.incoming.cloudtrail.heartbeat.interval.ms", "1000");
        properties.put("mp.messaging.outgoing.alerts.topic", alerts);
        properties.put("mp.messaging.outgoing.dead-letter.topic", deadLetters);
        properties.put("quarkus.http.port", "0");
        properties.put("trailsentry.rules.dir", "epl");
        properties.put("trailsentry.rules.cache-dir", TestRules.CACHE_DIR.toAbsolutePath().toString());
        properties.put("trailsentry.rules.watch", "false");
        properties.put("trailsentry.inbox.enabled", "false");
        properties.put("trailsentry.alerts.file", data.resolve("alerts.jsonl").toString());
        properties.put("trailsentry.dead-letter.file", data.resolve("dead-letter.jsonl").toString());
        properties.put("trailsentry.context.baseline-file", data.resolve("baselines.json").toString());
        // each instance its own embedded incident store: two processes cannot share one H2 file
        properties.put("trailsentry.incidents.jdbc-url", "jdbc:h2:file:" + data.toAbsolutePath().resolve("incidents") + ";DB_CLOSE_ON_EXIT=FALSE");
        // Event time moves with the input only: a pause of the test between parts must not close windows.
        properties.put("trailsentry.engine.idle-advance-after", "1h");
        return properties;
    }

    static void createTopics(String input, String alerts, String deadLetters) {
        broker.createTopic(input, PARTITIONS);
        broker.createTopic(alerts, 2);
        broker.createTopic(deadLetters, 1);
    }

    static List<String> alertIds(String topic) {
        return broker.readAll(topic).stream().map(KafkaClusterIT::alertId).toList();
    }

    static Set<String> detectedBefore(Instant time) {
        return expected.entrySet().stream().filter(e -> e.getValue().isBefore(time)).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static final Pattern REPLAYED = Pattern.compile("assigned: (\\d+) record\\(s\\) of lookback replayed");

    /** Records the instance replayed when its partitions were assigned, from its log. */
    static long lookbackReplayed(AppInstance instance) {
        return instance.lines("assigned:").stream().map(REPLAYED::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1))).sum();
    }

    private static final Pattern DROPPED = Pattern.compile("(\\d+) dropped as already on the topic");

    /** Alerts the instance regenerated and did not send again, from its shutdown summary. */
    static long droppedAsAlreadyOnTheTopic(AppInstance instance) {
        return instance.lines("dropped as already on the topic").stream().map(DROPPED::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1))).sum();
    }

    /** Members of a stable group and the partitions each owns; empty while it rebalances. */
    static Map<String, Set<TopicPartition>> assignment(String group) {
        try {
            ConsumerGroupDescription description = broker.admin().describeConsumerGroups(List.of(group)).all()
                    .get(30, TimeUnit.SECONDS).get(group);
            if (description.groupState() != GroupState.STABLE) {
                return Map.of();
            }
            return description.members().stream().collect(Collectors.toMap(MemberDescription::consumerId, m -> m.assignment().topicPartitions()));
        } catch (Exception e) {
            return Map.of();
        }
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(200);
        }
    }

    private static String alertId(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value()).get("alertId").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
