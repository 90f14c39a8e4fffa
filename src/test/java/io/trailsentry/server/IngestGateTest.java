package io.trailsentry.server;

import io.trailsentry.server.IngestGate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestGateTest {

    @Test
    void turnsAreBoundedAndHandedOnWhenClosed() throws Exception {
        IngestGate gate = new IngestGate(2, Duration.ofMillis(50));
        Optional<IngestGate.Turn> first = gate.enter();
        Optional<IngestGate.Turn> second = gate.enter();
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(gate.inFlight()).isEqualTo(2);

        assertThat(gate.enter()).as("no third turn within max-wait").isEmpty();
        assertThat(gate.waiting()).isZero();

        first.get().close();
        first.get().close(); // closing twice hands on one turn, not two
        assertThat(gate.inFlight()).isEqualTo(1);
        assertThat(gate.enter()).isPresent();
        assertThat(gate.enter()).isEmpty();
    }

    @Test
    void retryAfterIsTheWaitRoundedUpToWholeSeconds() {
        assertThat(new IngestGate(1, Duration.ofMillis(300)).retryAfterSeconds()).isEqualTo(1);
        assertThat(new IngestGate(1, Duration.ofMillis(2500)).retryAfterSeconds()).isEqualTo(3);
        assertThatThrownBy(() -> new IngestGate(0, Duration.ZERO)).hasMessageContaining("max-in-flight");
    }
}
