package io.trailsentry.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A busy engine is alive; one whose lock nobody could take for the timeout is not; the clock is the test's. */
class EngineLockProbeTest {

    private final Object engineLock = new Object();
    private final AtomicLong nanos = new AtomicLong();

    private void takeLock() {
        synchronized (engineLock) {
            // entering is the check
        }
    }

    @Test
    void anIdleEngineIsAliveAtOnce() {
        try (EngineLockProbe probe = new EngineLockProbe(Duration.ofSeconds(30), nanos::get)) {
            assertThat(probe.check(this::takeLock).alive()).isTrue();
            assertThat(probe.check(this::takeLock).alive()).isTrue();
        }
    }

    @Test
    void aLockHeldLongerThanTheTimeoutIsWedgedAndRecoversWhenReleased() throws Exception {
        try (EngineLockProbe probe = new EngineLockProbe(Duration.ofSeconds(30), nanos::get)) {
            synchronized (engineLock) {
                assertThat(probe.check(this::takeLock).alive()).as("busy, not yet wedged").isTrue();
                nanos.addAndGet(Duration.ofSeconds(29).toNanos());
                assertThat(probe.check(this::takeLock).alive()).isTrue();
                nanos.addAndGet(Duration.ofSeconds(2).toNanos());
                EngineLockProbe.Status wedged = probe.check(this::takeLock);
                assertThat(wedged.alive()).isFalse();
                assertThat(wedged.waited()).isEqualTo(Duration.ofSeconds(31));
            }
            // released: the outstanding attempt completes, and the next check starts a fresh one
            Instant deadline = Instant.now().plusSeconds(10);
            boolean alive = false;
            while (!alive && Instant.now().isBefore(deadline)) {
                alive = probe.check(this::takeLock).alive();
            }
            assertThat(alive).isTrue();
        }
    }
}
