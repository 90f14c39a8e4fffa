package io.trailsentry.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.config.TrailSentryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes every alert to the {@code alerts} topic as the same JSON the alert file holds, keyed by the
 * actor so one incident's alerts stay in order on one partition. An alertId already on the topic is
 * dropped: the pipeline regenerates alerts when input is replayed after a crash or a rebalance, and
 * their deterministic ids make them recognisable. Looked up only when Kafka is on, so the embedded
 * server never uses it.
 */
@ApplicationScoped
@LookupIfProperty(name = "trailsentry.kafka.enabled", stringValue = "true")
public class KafkaAlertSink implements AlertSink {

    private static final Logger LOG = Logger.getLogger(KafkaAlertSink.class);

    private final TopicWriter topic;
    private final SeenAlertIds seen;
    private final AtomicLong duplicates = new AtomicLong();

    // Sends are awaited per consumed batch, which bounds what the emitter buffers.
    KafkaAlertSink(@Channel(KafkaChannels.ALERTS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<String> emitter,
                   TrailSentryConfig config) {
        this.topic = new TopicWriter(emitter);
        this.seen = new SeenAlertIds(config.kafka().alertMemory());
    }

    /** The alerts topic is for people and their tools: building blocks and suppressed alerts stay in the alert file and incident store. */
    @Override
    public void emit(Alert alert) {
        if (!alert.forAnalyst()) {
            return;
        }
        if (!seen.add(alert.alertId())) {
            duplicates.incrementAndGet();
            return;
        }
        String json;
        try {
            json = AlertJson.mapper().writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            seen.forget(alert.alertId());
            throw new IllegalStateException("alert " + alert.alertId() + " cannot be written as JSON: " + e.getMessage(), e);
        }
        topic.send(keyOf(alert), json).exceptionally(failure -> {
            // Not on the topic after all: a later regeneration of it must go out.
            seen.forget(alert.alertId());
            LOG.errorf("alert %s was not written to the alerts topic: %s", alert.alertId(), failure.getMessage());
            return null;
        });
    }

    /** The actor, so an incident's alerts share a partition and keep their order; the principal when there is no actor. */
    static String keyOf(Alert alert) {
        return alert.actor().actorKey() != null ? alert.actor().actorKey() : alert.actor().principalId();
    }

    /** AlertIds read back from the topic: regenerated alerts with these ids are not sent again. */
    void remember(Collection<String> alertIds) {
        seen.addAll(alertIds);
    }

    /** Waits for the broker to confirm every alert sent so far; see {@link PendingSends#awaitAll}. */
    void awaitSent(Duration timeout) {
        topic.awaitSent(timeout);
    }

    long sent() {
        return topic.confirmed();
    }

    long duplicatesDropped() {
        return duplicates.get();
    }
}
