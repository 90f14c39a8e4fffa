package io.trailsentry.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * The {@code cloudtrail} channel's rebalance listener ({@code consumer-rebalance-listener.name}): a
 * partition assigned to this instance gets a pipeline rebuilt from its lookback before its first new
 * record; a partition taken away drops its state. Runs on the channel's polling thread.
 */
@ApplicationScoped
@Identifier(KafkaChannels.LOOKBACK_LISTENER)
public class LookbackListener implements KafkaConsumerRebalanceListener {

    private final KafkaIngest ingest;

    LookbackListener(KafkaIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ingest.assigned(consumer, partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ingest.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        ingest.revoked(partitions);
    }
}
