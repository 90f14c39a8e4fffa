package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Puts a slightly out-of-order stream back into event-time order and drops repeated eventIDs.
 *
 * <p>CloudTrail delivers records minutes late and out of order (one S3 file per region per five
 * minutes, records unsorted inside). An event is held until the watermark, the newest event time
 * seen minus the allowed lateness, passes it; then events leave in (eventTime, eventID) order. The
 * eventID tie-break makes the output independent of arrival order, so a shuffled replay gives the
 * same alerts as a sorted one.
 *
 * <p>Live, a SOC cannot wait a whole allowed lateness for every alert: with a max hold, no event
 * waits longer than that in processing time. A payload (an S3 file, a Kafka batch, an HTTP body)
 * arrives at once and is still sorted as a whole; disorder across payloads further apart than the
 * hold makes the older events late. Replays use no hold, so they stay deterministic.
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
        return CloudTrailEvent.compareEventIds(a, b);
    };

    private final long allowedLatenessMillis;
    private final long dedupHorizonMillis;
    private final Consumer<CloudTrailEvent> downstream;
    private final EventTimeQueue pending = new EventTimeQueue(EVENT_TIME_ORDER);
    // Ids only, as hashes, not the events: the dedup memory must not pin whole records.
    private final EventIdSet seenIds;
    private long maxSeen = Long.MIN_VALUE;
    private long releasedUpTo = Long.MIN_VALUE;
    private long duplicates;
    private long late;
    private final long maxHoldNanos;
    private final LongSupplier nanoClock;
    /** Arrival order, for the max-hold: (arrival nanos, event time) of every event offered. */
    private final ArrayDeque<long[]> arrivals = new ArrayDeque<>();

    public ReorderBuffer(Duration allowedLateness, Consumer<CloudTrailEvent> downstream) {
        this(allowedLateness, Duration.ZERO, System::nanoTime, downstream);
    }

    /**
     * @param maxHold   live mode: no event waits longer than this in processing time, whatever the
     *                  watermark; zero for pure event time (replays, which must be deterministic)
     * @param nanoClock processing time, injectable for tests
     */
    public ReorderBuffer(Duration allowedLateness, Duration maxHold, LongSupplier nanoClock, Consumer<CloudTrailEvent> downstream) {
        this(allowedLateness, maxHold, allowedLateness, nanoClock, downstream);
    }

    /**
     * @param dedupHorizon how long (event time, behind the newest released event) eventIDs are
     *                     remembered to drop repeats; at least the allowed lateness. Longer than it, a
     *                     payload sent again later (a retry, an inbox file read again) is dropped whole
     *                     rather than evaluated again as late events.
     */
    public ReorderBuffer(Duration allowedLateness, Duration maxHold, Duration dedupHorizon, LongSupplier nanoClock,
                         Consumer<CloudTrailEvent> downstream) {
        this(allowedLateness, maxHold, dedupHorizon, Integer.MAX_VALUE, nanoClock, downstream);
    }

    /** @param maxEventIds eventIDs remembered at most, whatever the horizon (part of the state budget) */
    public ReorderBuffer(Duration allowedLateness, Duration maxHold, Duration dedupHorizon, int maxEventIds, LongSupplier nanoClock,
                         Consumer<CloudTrailEvent> downstream) {
        this.seenIds = new EventIdSet(maxEventIds);
        if (allowedLateness.isNegative() || maxHold.isNegative()) {
            throw new IllegalArgumentException("allowed lateness and max hold must not be negative: " + allowedLateness + ", " + maxHold);
        }
        this.allowedLatenessMillis = allowedLateness.toMillis();
        this.dedupHorizonMillis = Math.max(allowedLatenessMillis, dedupHorizon.toMillis());
        this.maxHoldNanos = maxHold.toNanos();
        this.nanoClock = nanoClock;
        this.downstream = downstream;
    }

    public Outcome offer(CloudTrailEvent event) {
        if (event.getEventID() != null && !seenIds.add(event.eventIdHash(), event.getEventTimeMillis())) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        long time = event.getEventTimeMillis();
        if (time < releasedUpTo) {
            late++;
            downstream.accept(event);
            return Outcome.LATE;
        }
        pending.add(event);
        if (maxHoldNanos > 0) {
            arrivals.addLast(new long[] {nanoClock.getAsLong(), time});
        }
        if (time > maxSeen) {
            maxSeen = time;
        }
        releaseUpTo(Math.max(watermark(), heldTooLong()));
        return Outcome.BUFFERED;
    }

    /**
     * Live mode: releases what has waited the max hold, even when no event arrives (call it from a
     * timer). Events are still released in event-time order: everything up to the newest event time
     * among those that waited too long.
     */
    public void tick() {
        if (maxHoldNanos > 0 && pendingCount() > 0) {
            releaseUpTo(heldTooLong());
        }
    }

    /** The newest event time among events that have waited the max hold; MIN_VALUE when none has. */
    private long heldTooLong() {
        if (maxHoldNanos == 0 || arrivals.isEmpty()) {
            return Long.MIN_VALUE;
        }
        long now = nanoClock.getAsLong();
        long upTo = Long.MIN_VALUE;
        while (!arrivals.isEmpty() && now - arrivals.peekFirst()[0] >= maxHoldNanos) {
            upTo = Math.max(upTo, arrivals.pollFirst()[1]);
        }
        return upTo;
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
        arrivals.clear();
    }

    /** End of input: release everything still held, in order. */
    public void flush() {
        releaseUpTo(Long.MAX_VALUE);
        arrivals.clear();
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

    /** EventIDs remembered now, their cap, and how many were forgotten before the dedup horizon because of it. */
    public int rememberedIds() {
        return seenIds.size();
    }

    public int maxRememberedIds() {
        return seenIds.maxIds();
    }

    public long idsForgottenEarly() {
        return seenIds.forgottenEarly();
    }

    private void releaseUpTo(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return;
        }
        while (true) {
            CloudTrailEvent next = pending.peek();
            if (next == null || next.getEventTimeMillis() > watermark) {
                break;
            }
            pending.poll();
            releasedUpTo = Math.max(releasedUpTo, next.getEventTimeMillis());
            downstream.accept(next);
        }
        // Ids are kept for the dedup horizon behind the newest released event: at least the allowed
        // lateness (a repeat further behind would be late anyway), longer so a payload sent again is
        // dropped whole rather than evaluated again.
        if (releasedUpTo != Long.MIN_VALUE) {
            forgetIdsBefore(releasedUpTo - dedupHorizonMillis);
        }
    }

    private void forgetIdsBefore(long horizon) {
        seenIds.forgetBefore(horizon);
    }
}
