package io.trailsentry.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM stops the server within its timeout whatever the engine is doing (issue #17, 9): a closing
 * step that needs the engine's lock while a request holds it inside a rule for good used to keep the
 * process alive. The steps run on a helper thread and shutdown waits for them only until its deadline.
 */
class BoundedShutdownTest {

    private final Object engineLock = new Object();

    @Test
    void aStepBlockedOnAWedgedEngineDoesNotHoldShutdownPastItsDeadline() throws Exception {
        CountDownLatch wedged = new CountDownLatch(1);
        Thread request = new Thread(() -> {
            synchronized (engineLock) {
                wedged.countDown();
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait(); // a rule that never returns
                }
            }
        });
        request.setDaemon(true);
        request.start();
        wedged.await();
        List<String> done = java.util.Collections.synchronizedList(new ArrayList<>());
        BoundedShutdown shutdown = new BoundedShutdown(System::nanoTime)
                .step("save baselines", () -> done.add("saved"))
                .step("close the pipeline", () -> {
                    synchronized (engineLock) {
                        done.add("closed");
                    }
                })
                .step("close the files", () -> done.add("files"));

        long started = System.nanoTime();
        boolean finished = shutdown.runUntil(BoundedShutdown.deadline(Duration.ofMillis(500), System::nanoTime));

        assertThat(finished).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(done).containsExactly("saved");
        request.interrupt();
    }

    @Test
    void stepsRunInOrderAndAFailingOneDoesNotStopTheOthers() {
        List<String> done = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean finished = new BoundedShutdown(System::nanoTime)
                .step("a", () -> done.add("a"))
                .step("b", () -> {
                    throw new IllegalStateException("disk full");
                })
                .step("c", () -> done.add("c"))
                .runUntil(BoundedShutdown.deadline(Duration.ofSeconds(30), System::nanoTime));

        assertThat(finished).isTrue();
        assertThat(done).containsExactly("a", "c");
    }
}
