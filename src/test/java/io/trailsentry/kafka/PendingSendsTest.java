package io.trailsentry.kafka;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PendingSendsTest {

    @Test
    void confirmedSendsAreForgottenAndAwaitingThemReturns() {
        PendingSends pending = new PendingSends();
        pending.track().complete(null);
        CompletableFuture<Void> later = pending.track();
        assertThat(pending.size()).isEqualTo(1);

        CompletableFuture.runAsync(() -> later.complete(null));
        pending.awaitAll(Duration.ofSeconds(10));
        assertThat(pending.size()).isZero();
    }

    @Test
    void aFailedSendIsReportedEvenWhenItFailedBeforeTheWait() {
        PendingSends pending = new PendingSends();
        pending.track().completeExceptionally(new IllegalStateException("broker gone"));

        assertThatThrownBy(() -> pending.awaitAll(Duration.ofSeconds(1)))
                .isInstanceOf(PendingSends.SendFailedException.class)
                .hasMessageContaining("broker gone");
        pending.awaitAll(Duration.ofSeconds(1)); // reported once, then gone
    }

    @Test
    void anUnconfirmedSendTimesOut() {
        PendingSends pending = new PendingSends();
        pending.track();
        assertThatThrownBy(() -> pending.awaitAll(Duration.ofMillis(50)))
                .isInstanceOf(PendingSends.SendFailedException.class)
                .hasMessageContaining("not confirmed 1 message(s)");
    }
}
