package io.trailsentry.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Points a {@code @QuarkusTest} app at the JVM's test broker ({@link KafkaBroker}) and creates its topics. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        deleteData();
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopic(KafkaIT.INPUT, 2);
        broker.createTopic(KafkaIT.ALERTS, 1);
        broker.createTopic(KafkaIT.DEAD_LETTERS, 1);
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    /** A fresh data folder, so what a test finds in the alert file was written by this run. */
    private static void deleteData() {
        if (Files.exists(KafkaIT.DATA)) {
            try (Stream<Path> files = Files.walk(KafkaIT.DATA)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void stop() {
        // the broker is the JVM's, shared with other tests; it stops when the JVM exits
    }
}
