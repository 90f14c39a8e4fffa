package io.trailsentry.bench.peers;

import io.trailsentry.ingest.CloudTrailEvent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * One timed pass of an implementation over the prepared events.
 *
 * @param alerts     what it emitted, in order
 * @param seconds    wall-clock time to take every event and finish (opening the engine and measuring
 *                   heap excluded)
 * @param cpuSeconds CPU time the feeding thread spent on the same (every implementation here works on
 *                   the caller's thread); steadier than wall-clock time on a shared machine, but
 *                   without the collector's and the JIT's threads
 * @param stateBytes retained heap its state held at the end of the input, before the end-of-input drain
 *                   (heap after a full GC, less the heap right after it opened); -1 when not measured
 */
record EngineRun(List<AlertKey> alerts, double seconds, double cpuSeconds, long stateBytes) {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    EngineRun {
        alerts = List.copyOf(alerts);
    }

    long count(String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).count();
    }

    /** Opens a fresh engine, feeds it every event, then finishes it. */
    static EngineRun measure(PeerEngine engine, List<CloudTrailEvent> events, boolean measureHeap) throws Exception {
        try (PeerEngine.Session session = engine.open()) {
            long opened = measureHeap ? retainedHeap() : 0;
            Timing fed = feed(session, events);
            long state = measureHeap ? Math.max(0, retainedHeap() - opened) : -1;
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            session.finish();
            double finishSeconds = (System.nanoTime() - t0) / 1e9;
            double finishCpuSeconds = (cpuNanos() - c0) / 1e9;
            return new EngineRun(session.alerts(), fed.seconds() + finishSeconds, fed.cpuSeconds() + finishCpuSeconds, state);
        }
    }

    /** Wall-clock and CPU time of one round fed to an open session. */
    record Timing(double seconds, double cpuSeconds) {
    }

    /** Feeds every event to an open session, without ending its input (its windows stay open for the next round). */
    static Timing feed(PeerEngine.Session session, List<CloudTrailEvent> events) throws Exception {
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        for (CloudTrailEvent e : events) {
            session.accept(e);
        }
        long t1 = System.nanoTime();
        long c1 = cpuNanos();
        return new Timing((t1 - t0) / 1e9, (c1 - c0) / 1e9);
    }

    /** CPU time of the calling thread, or 0 where the JVM cannot tell (then CPU rates read as not measured). */
    static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    private static long retainedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
