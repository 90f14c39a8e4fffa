package io.trailsentry.pipeline;

import io.trailsentry.engine.EventTimeBounds;
import io.trailsentry.ingest.CloudTrailEvent;

import java.time.Duration;
import java.time.Instant;

/**
 * Keeps implausible event times away from the engine's clock, which only moves forward: one event
 * dated 2099 would otherwise make every real event after it late, stamp alerts with 2099 and stretch
 * incidents over decades (issue #17, 3). A refused event is a dead letter with the reason; it never
 * reaches the engine.
 *
 * <ul>
 *   <li>Every input: an event more than {@code max-future-skew} ahead of the wall clock (no real
 *       record is from the future).</li>
 *   <li>The server ({@link EventTimeBounds#live()}): also an event more than {@code max-event-age}
 *       behind the wall clock.</li>
 *   <li>A replay: an event more than {@code max-future-skew} ahead of the newest event before it (the
 *       input's own clock) waits for the next event. If that one is not back more than
 *       {@code max-future-skew} before it, the logs simply had a gap and both go on; if it is, the jump
 *       was an outlier and is refused. At the end of the input a waiting event goes on (nothing
 *       follows that it could make late).</li>
 * </ul>
 * Not thread-safe: the pipeline calls it under its lock.
 */
final class EventTimeGuard {

    /** Where events go: on to the engine, or refused with a reason. */
    interface Verdicts {
        void pass(CloudTrailEvent event);

        void refuse(CloudTrailEvent event, String reason);
    }

    private final EventTimeBounds bounds;
    private final long skew;
    private final long maxAge;
    /** A replay's jump, waiting for the next event to confirm it. */
    private CloudTrailEvent pending;
    private Verdicts pendingVerdicts;
    /** A replay's newest event time passed on. */
    private long newest = Long.MIN_VALUE;

    EventTimeGuard(EventTimeBounds bounds) {
        this.bounds = bounds;
        this.skew = bounds.maxFutureSkew().toMillis();
        this.maxAge = bounds.maxEventAge().toMillis();
    }

    void offer(CloudTrailEvent event, Verdicts verdicts) {
        long time = event.getEventTimeMillis();
        long now = bounds.wallClock().getAsLong();
        if (time > now + skew) {
            verdicts.refuse(event, "eventTime " + instant(time) + " is " + human(time - now) + " ahead of the clock of this server ("
                    + instant(now) + "), more than trailsentry.engine.max-future-skew (" + human(skew)
                    + "); not evaluated, so it cannot move event time forward. Check the producer's clock");
            return;
        }
        if (bounds.live()) {
            if (maxAge > 0 && time < now - maxAge) {
                verdicts.refuse(event, "eventTime " + instant(time) + " is " + human(now - time)
                        + " old, more than trailsentry.engine.max-event-age (" + human(maxAge)
                        + ") for live input; replay old logs with 'trailsentry replay'");
                return;
            }
            verdicts.pass(event);
            return;
        }
        if (pending != null) {
            CloudTrailEvent jump = pending;
            Verdicts jumpVerdicts = pendingVerdicts;
            pending = null;
            pendingVerdicts = null;
            if (time >= jump.getEventTimeMillis() - skew) {
                passOn(jump, jumpVerdicts); // a gap in the logs, not an outlier
            } else {
                jumpVerdicts.refuse(jump, "eventTime " + instant(jump.getEventTimeMillis()) + " is "
                        + human(jump.getEventTimeMillis() - Math.max(newest, time)) + " ahead of the input around it (before: "
                        + (newest == Long.MIN_VALUE ? "nothing" : instant(newest)) + ", after: " + instant(time)
                        + "), more than trailsentry.engine.max-future-skew (" + human(skew) + "); not evaluated, so it cannot move event time forward");
            }
        }
        if (newest == Long.MIN_VALUE || time > newest + skew) {
            pending = event;
            pendingVerdicts = verdicts;
            return;
        }
        passOn(event, verdicts);
    }

    /** End of input (or of a batch that must be evaluated now): a waiting jump goes on. */
    void release() {
        if (pending != null) {
            CloudTrailEvent jump = pending;
            Verdicts verdicts = pendingVerdicts;
            pending = null;
            pendingVerdicts = null;
            passOn(jump, verdicts);
        }
    }

    private void passOn(CloudTrailEvent event, Verdicts verdicts) {
        newest = Math.max(newest, event.getEventTimeMillis());
        verdicts.pass(event);
    }

    private static String instant(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private static String human(long millis) {
        Duration d = Duration.ofMillis(millis);
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + " h";
        }
        return d.toMinutes() + " min";
    }
}
