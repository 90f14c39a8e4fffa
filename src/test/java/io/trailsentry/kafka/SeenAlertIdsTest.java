package io.trailsentry.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeenAlertIdsTest {

    @Test
    void anIdIsNewOnceAndTheOldestAreForgottenFirst() {
        SeenAlertIds seen = new SeenAlertIds(3);
        assertThat(seen.add("a")).isTrue();
        assertThat(seen.add("a")).isFalse();
        seen.addAll(List.of("b", "c", "d"));

        assertThat(seen.size()).isEqualTo(3);
        assertThat(seen.contains("a")).isFalse();
        assertThat(seen.contains("d")).isTrue();
    }

    @Test
    void aForgottenIdMayBeSentAgain() {
        SeenAlertIds seen = new SeenAlertIds(10);
        seen.add("failed-send");
        seen.forget("failed-send");
        assertThat(seen.add("failed-send")).isTrue();
    }

    @Test
    void aMemoryOfNothingIsRefused() {
        assertThatThrownBy(() -> new SeenAlertIds(0)).hasMessageContaining("at least one");
    }
}
