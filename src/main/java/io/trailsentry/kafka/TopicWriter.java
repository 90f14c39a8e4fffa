package io.trailsentry.kafka;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** One outgoing channel: sends keyed JSON and tracks the broker's confirmation of each message. */
final class TopicWriter {

    private final Emitter<String> emitter;
    private final PendingSends pending = new PendingSends();
    private final AtomicLong confirmed = new AtomicLong();

    TopicWriter(Emitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker has the message (acks as the channel's producer is configured), fails when the producer gives up. */
    CompletableFuture<Void> send(String key, String json) {
        CompletableFuture<Void> done = pending.track();
        done.thenRun(confirmed::incrementAndGet);
        try {
            emitter.send(Message.of(json)
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                    .withAck(() -> {
                        done.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        done.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
        } catch (RuntimeException e) {
            // The channel refused the message outright (it failed, or is shutting down): reported
            // through the future like a broker refusal, so the batch that caused it is not acknowledged.
            done.completeExceptionally(e);
        }
        return done;
    }

    /** See {@link PendingSends#awaitAll}. */
    void awaitSent(Duration timeout) {
        pending.awaitAll(timeout);
    }

    long confirmed() {
        return confirmed.get();
    }
}
