package io.trailsentry.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a {@code @QuarkusTest} app at the JVM's test broker ({@link KafkaBroker}) and creates its topics. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopic(KafkaIT.INPUT, 2);
        broker.createTopic(KafkaIT.ALERTS, 1);
        broker.createTopic(KafkaIT.DEAD_LETTERS, 1);
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        // the broker is the JVM's, shared with other tests; it stops when the JVM exits
    }
}
