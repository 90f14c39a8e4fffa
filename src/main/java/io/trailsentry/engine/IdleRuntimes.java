package io.trailsentry.engine;

import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;

import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Esper runtimes returned by engines that closed, reset and kept for the next engine. Every engine
 * runs on the same configuration ({@link EsperEngine#newConfiguration()}), and Esper copies a
 * configuration through Java serialisation each time it creates a runtime: a fifth of {@code rules
 * test}, whose every case has an engine of its own (JFR). A runtime's {@code initialize()} drops its
 * deployments, state and clock and reuses that copy. Only short-lived engines come and go often (rule
 * test cases, scratch deployments that validate a rule set, backtests); a few idle runtimes cover
 * them. Thread-safe.
 */
final class IdleRuntimes {

    /** Idle runtimes kept at most: one per thread that makes short-lived engines, on a small machine. */
    static final int MAX_IDLE = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));

    private static final BlockingQueue<EPRuntime> IDLE = new ArrayBlockingQueue<>(MAX_IDLE);

    private IdleRuntimes() {
    }

    /**
     * An empty runtime on the engines' configuration: an idle one when there is one, else a new one
     * under a unique URI (Quarkus dev mode and tests run several in one JVM). One name for every use,
     * as a runtime made for one use may serve another next.
     */
    static EPRuntime take() {
        EPRuntime idle = IDLE.poll();
        return idle != null ? idle : EPRuntimeProvider.getRuntime("trailsentry-" + UUID.randomUUID(), EsperEngine.newConfiguration());
    }

    /**
     * Hands a runtime back: reset (every deployment, named window, table, variable and scheduled
     * callback gone, as in a new runtime) and kept when there is room, destroyed otherwise. The caller
     * must not use it afterwards.
     */
    static void giveBack(EPRuntime runtime) {
        if (runtime.isDestroyed()) {
            return;
        }
        if (IDLE.remainingCapacity() > 0) {
            try {
                runtime.initialize();
            } catch (RuntimeException resetFailed) {
                runtime.destroy();
                return;
            }
            if (IDLE.offer(runtime)) {
                return;
            }
        }
        runtime.destroy();
    }

    /** Idle runtimes now (for tests). */
    static int idle() {
        return IDLE.size();
    }
}
