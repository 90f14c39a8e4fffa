package io.trailsentry.bench.peers;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.List;

/**
 * One timed pass of an implementation over the prepared events.
 *
 * @param alerts     what it emitted, in order
 * @param seconds    time to take every event and finish (opening the engine and measuring heap excluded)
 * @param stateBytes retained heap its state held at the end of the input, before the end-of-input drain
 *                   (heap after a full GC, less the heap right after it opened); -1 when not measured
 */
record EngineRun(List<AlertKey> alerts, double seconds, long stateBytes) {

    EngineRun {
        alerts = List.copyOf(alerts);
    }

    double eventsPerSecond(int events) {
        return events / seconds;
    }

    long count(String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).count();
    }

    /** Opens a fresh engine, feeds it every event, then finishes it. */
    static EngineRun measure(PeerEngine engine, List<CloudTrailEvent> events, boolean measureHeap) throws Exception {
        try (PeerEngine.Session session = engine.open()) {
            long opened = measureHeap ? retainedHeap() : 0;
            long t0 = System.nanoTime();
            for (CloudTrailEvent e : events) {
                session.accept(e);
            }
            long t1 = System.nanoTime();
            long state = measureHeap ? Math.max(0, retainedHeap() - opened) : -1;
            long t2 = System.nanoTime();
            session.finish();
            long t3 = System.nanoTime();
            return new EngineRun(session.alerts(), ((t1 - t0) + (t3 - t2)) / 1e9, state);
        }
    }

    private static long retainedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
