package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Puts a slightly out-of-order stream back into event-time order and drops repeated eventIDs.
 *
 * <p>CloudTrail delivers records minutes late and out of order (one S3 file per region per five
 * minutes, records unsorted inside). An event is held until the watermark, the newest event time
 * seen minus the allowed lateness, passes it; then events leave in (eventTime, eventID) order. The
 * eventID tie-break makes the output independent of arrival order, so a shuffled replay gives the
 * same alerts as a sorted one.
 *
 * <p>An event older than what has already been released is <em>late</em>: it is still passed on
 * (a security engine must not lose a CreateAccessKey because it came late) but counted, and the
 * engine evaluates it at its current clock, which never moves back. Duplicates are remembered for
 * the allowed lateness behind the watermark, which bounds the memory the dedup set needs.
 */
public final class ReorderBuffer {

    /** What happened to an offered event. */
    public enum Outcome { BUFFERED, DUPLICATE, LATE }

    /** (eventTime, eventID); a plain comparator rather than a lambda chain: it runs log(n) times per event. */
    private static final Comparator<CloudTrailEvent> EVENT_TIME_ORDER = (a, b) -> {
        int byTime = Long.compare(a.getEventTimeMillis(), b.getEventTimeMillis());
        if (byTime != 0) {
            return byTime;
        }
        String ia = a.getEventID();
        String ib = b.getEventID();
        return ia == null ? (ib == null ? 0 : -1) : (ib == null ? 1 : ia.compareTo(ib));
    };

    private final long allowedLatenessMillis;
    private final Consumer<CloudTrailEvent> downstream;
    private final PriorityQueue<CloudTrailEvent> pending = new PriorityQueue<>(EVENT_TIME_ORDER);
    private final Map<String, Long> seenIds = new HashMap<>();
    // Ids only, not the events: the dedup memory must not pin whole records.
    private final ArrayDeque<ReleasedId> releasedIds = new ArrayDeque<>();
    private long maxSeen = Long.MIN_VALUE;
    private long releasedUpTo = Long.MIN_VALUE;
    private long duplicates;
    private long late;

    public ReorderBuffer(Duration allowedLateness, Consumer<CloudTrailEvent> downstream) {
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative: " + allowedLateness);
        }
        this.allowedLatenessMillis = allowedLateness.toMillis();
        this.downstream = downstream;
    }

    public Outcome offer(CloudTrailEvent event) {
        String id = event.getEventID();
        if (id != null && seenIds.putIfAbsent(id, event.getEventTimeMillis()) != null) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        long time = event.getEventTimeMillis();
        if (time < releasedUpTo) {
            late++;
            remember(event);
            downstream.accept(event);
            return Outcome.LATE;
        }
        pending.add(event);
        if (time > maxSeen) {
            maxSeen = time;
            releaseUpTo(watermark());
        } else if (time <= watermark()) {
            releaseUpTo(watermark());
        }
        return Outcome.BUFFERED;
    }

    /**
     * The input has gone quiet for {@code elapsedMillis} of wall-clock time. What is held is as
     * complete as it is going to get, so all of it is released (in order) rather than making a SOC
     * wait a whole allowed-lateness for the tail of a burst; event time then runs on with the wall
     * clock from the newest event, so open windows close. Replays never go idle, so they stay
     * deterministic.
     */
    public void advanceIdle(long elapsedMillis) {
        if (maxSeen == Long.MIN_VALUE || elapsedMillis <= 0) {
            return;
        }
        maxSeen += elapsedMillis;
        releaseUpTo(maxSeen);
    }

    /** End of input: release everything still held, in order. */
    public void flush() {
        releaseUpTo(Long.MAX_VALUE);
    }

    /** Newest event time seen minus the allowed lateness; {@link Long#MIN_VALUE} before any event. */
    public long watermark() {
        return maxSeen == Long.MIN_VALUE ? Long.MIN_VALUE : maxSeen - allowedLatenessMillis;
    }

    public long maxSeen() {
        return maxSeen;
    }

    public int pendingCount() {
        return pending.size();
    }

    public long duplicates() {
        return duplicates;
    }

    public long late() {
        return late;
    }

    private void releaseUpTo(long watermark) {
        while (!pending.isEmpty() && pending.peek().getEventTimeMillis() <= watermark) {
            CloudTrailEvent next = pending.poll();
            releasedUpTo = Math.max(releasedUpTo, next.getEventTimeMillis());
            remember(next);
            downstream.accept(next);
        }
        forgetIdsBefore(watermark == Long.MAX_VALUE ? releasedUpTo - allowedLatenessMillis : watermark - allowedLatenessMillis);
    }

    private void remember(CloudTrailEvent event) {
        if (event.getEventID() != null) {
            releasedIds.addLast(new ReleasedId(event.getEventTimeMillis(), event.getEventID()));
        }
    }

    private void forgetIdsBefore(long horizon) {
        while (!releasedIds.isEmpty() && releasedIds.peekFirst().eventTimeMillis() < horizon) {
            seenIds.remove(releasedIds.pollFirst().eventID());
        }
    }

    private record ReleasedId(long eventTimeMillis, String eventID) {
    }
}
