package io.trailsentry.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.alert.Alert;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.TestRules;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.scoring.ScoringSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The bundled attack sample as a CloudTrail topic carries it: copied into several AWS accounts
 * (each its own producer key, so its own partition), each account's records delivered as one S3
 * file per five minutes of event time, stamped a minute after the file's period ends, as CloudTrail
 * delivers them. The alerts it must yield come from replaying each account's records on its own.
 */
final class SampleFeed {

    static final Path SAMPLE = Path.of("samples/cloudtrail-sample.jsonl");
    static final Path RULES = Path.of("epl");
    static final String SAMPLE_ACCOUNT = "123456789012";
    static final Duration FILE_PERIOD = Duration.ofMinutes(5);
    static final Duration DELIVERY_DELAY = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One delivery file: its account (the producer key), its period and its records. */
    record File(String account, Instant periodStart, List<String> records) {
        String value() {
            return "{\"Records\":[" + String.join(",", records) + "]}";
        }

        long timestamp() {
            return periodStart.plus(FILE_PERIOD).plus(DELIVERY_DELAY).toEpochMilli();
        }
    }

    private final List<String> accounts;
    private final Map<String, List<String>> recordsByAccount = new HashMap<>();
    /** Files in delivery order: period by period, every account's file for that period. */
    private final List<File> files = new ArrayList<>();

    private SampleFeed(List<String> accounts, List<String> sampleLines) throws IOException {
        this.accounts = accounts;
        TreeMap<Instant, List<File>> byPeriod = new TreeMap<>();
        for (String account : accounts) {
            List<String> records = sampleLines.stream().map(line -> inAccount(line, account)).toList();
            recordsByAccount.put(account, records);
            TreeMap<Instant, List<String>> periods = new TreeMap<>();
            for (String record : records) {
                periods.computeIfAbsent(periodOf(record), p -> new ArrayList<>()).add(record);
            }
            periods.forEach((period, inPeriod) -> byPeriod.computeIfAbsent(period, p -> new ArrayList<>()).add(new File(account, period, inPeriod)));
        }
        byPeriod.values().forEach(files::addAll);
    }

    /** The sample in {@code accountCount} accounts whose keys land on distinct partitions of a {@code partitions}-partition topic. */
    static SampleFeed inAccounts(int accountCount, int partitions) throws IOException {
        List<String> accounts = new ArrayList<>(List.of(SAMPLE_ACCOUNT));
        Set<Integer> used = new HashSet<>(List.of(partitionOf(SAMPLE_ACCOUNT, partitions)));
        for (long candidate = 210_000_000_001L; accounts.size() < accountCount; candidate++) {
            String account = Long.toString(candidate);
            if (used.add(partitionOf(account, partitions))) {
                accounts.add(account);
            }
        }
        return new SampleFeed(accounts, Files.readAllLines(SAMPLE, StandardCharsets.UTF_8));
    }

    /** The producer's default partitioner for a String key. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    List<String> accounts() {
        return accounts;
    }

    /** Files whose period starts before {@code end} and not before {@code start}. */
    List<File> files(Instant start, Instant end) {
        return files.stream().filter(f -> !f.periodStart().isBefore(start) && f.periodStart().isBefore(end)).toList();
    }

    List<File> files() {
        return files;
    }

    /** Sends the files keyed by account, stamped with their delivery time; returns when the broker has them all. */
    static void send(KafkaProducer<String, String> producer, String topic, List<File> files) throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (File file : files) {
            sent.add(producer.send(new ProducerRecord<>(topic, null, file.timestamp(), file.account(), file.value())));
        }
        for (Future<?> future : sent) {
            future.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The alerts the input must put on the alerts topic, by alertId, with the event time each was
     * detected at: each account replayed on its own (as its partition's pipeline sees it), pure event
     * time; building blocks and suppressed alerts are not for the topic.
     */
    Map<String, Instant> expectedAlerts() throws Exception {
        CompiledRules rules = TestRules.compile(RULES);
        Map<String, Instant> expected = new HashMap<>();
        for (String account : accounts) {
            List<Alert> alerts = new ArrayList<>();
            try (DetectionPipeline pipeline = new DetectionPipeline(EngineSettings.defaults(RULES), rules,
                    new ContextEnricher(ContextSettings.defaults(), new Baselines(200_000)),
                    ScoringSettings.defaults(), List.of(alerts::add), deadLetter -> {
                        throw new IllegalStateException("the sample has no bad record: " + deadLetter);
                    })) {
                pipeline.ingest(String.join("\n", recordsByAccount.get(account)).getBytes(StandardCharsets.UTF_8), account);
                pipeline.finish();
            }
            alerts.stream().filter(Alert::forAnalyst).forEach(alert -> expected.put(alert.alertId(), alert.window().detectedAt()));
        }
        return expected;
    }

    /** The record moved to another account: its ARNs and account fields, and its eventID made unique across accounts. */
    private static String inAccount(String record, String account) {
        return record.replace(SAMPLE_ACCOUNT, account).replace("\"eventID\":\"", "\"eventID\":\"" + account + "-");
    }

    private static Instant periodOf(String record) {
        try {
            JsonNode node = JSON.readTree(record);
            long millis = Instant.parse(node.get("eventTime").asText()).toEpochMilli();
            return Instant.ofEpochMilli(millis - Math.floorMod(millis, FILE_PERIOD.toMillis()));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a sample record: " + record, e);
        }
    }
}
