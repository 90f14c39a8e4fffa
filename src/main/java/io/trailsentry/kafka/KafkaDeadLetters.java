package io.trailsentry.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.ingest.DeadLetterSink;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Rejected Kafka input goes to the {@code dead-letter} topic as
 * {@code {"source","position","reason","excerpt"}} (the dead-letter file's shape), keyed by its source
 * partition, and to the local dead-letter file as well. The source names topic, partition and offset
 * ({@code cloudtrail-2@1234}), so the whole original message can be fetched again.
 */
@ApplicationScoped
public class KafkaDeadLetters {

    private static final Logger LOG = Logger.getLogger(KafkaDeadLetters.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicWriter topic;

    KafkaDeadLetters(@Channel(KafkaChannels.DEAD_LETTER) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<String> emitter) {
        this.topic = new TopicWriter(emitter);
    }

    /** A sink that writes to {@code file} and to the topic. */
    DeadLetterSink alsoTo(DeadLetterSink file) {
        return deadLetter -> {
            file.accept(deadLetter);
            send(deadLetter);
        };
    }

    private void send(DeadLetter deadLetter) {
        String json;
        try {
            json = JSON.writeValueAsString(deadLetter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dead letter from " + deadLetter.source() + " cannot be written as JSON", e);
        }
        topic.send(partitionOf(deadLetter.source()), json).exceptionally(failure -> {
            LOG.errorf("dead letter from %s was not written to the dead-letter topic: %s", deadLetter.source(), failure.getMessage());
            return null;
        });
    }

    /** {@code cloudtrail-2@1234} → {@code cloudtrail-2}: one source partition's dead letters stay in order. */
    static String partitionOf(String source) {
        int at = source == null ? -1 : source.lastIndexOf('@');
        return at < 0 ? source : source.substring(0, at);
    }

    void awaitSent(Duration timeout) {
        topic.awaitSent(timeout);
    }

    long sent() {
        return topic.confirmed();
    }
}
