package io.trailsentry.alert.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void theCeilingDoublesPerRetryUpToTheMaximum() {
        assertThat(backoff.ceilingMillis(1)).isEqualTo(1_000);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(2_000);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(16_000);
        assertThat(backoff.ceilingMillis(6)).isEqualTo(30_000);
        assertThat(backoff.ceilingMillis(1_000)).isEqualTo(30_000); // no overflow however many retries
    }

    @Test
    void theWaitIsAJitteredPointInTheUpperHalfOfTheCeiling() {
        assertThat(backoff.delayMillis(3, () -> 0.0)).isEqualTo(2_000);
        assertThat(backoff.delayMillis(3, () -> 0.5)).isEqualTo(3_000);
        assertThat(backoff.delayMillis(3, () -> 0.999_999)).isBetween(3_999L, 4_000L);
        assertThat(backoff.delayMillis(40, () -> 0.0)).isEqualTo(15_000);
    }

    @Test
    void nonsenseDelaysAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("base delay must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("below the base delay");
    }
}
