package io.trailsentry.engine;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How far an event's time may be from what is plausible before it is refused rather than allowed to
 * move the engine's clock (issue #17, 3: 200,000 events dated 2099 once made every real event late).
 *
 * @param live          the server: the reference is the wall clock, for new and for absurdly old events;
 *                      otherwise a replay: the reference is the input itself (the newest event before)
 * @param maxFutureSkew how far ahead of the reference an event may be (wall clock: always, replays too;
 *                      a replay's newest event: unless the next event confirms the jump, see {@code EventTimeGuard})
 * @param maxEventAge   live only: how far behind the wall clock an event may be; zero for no bound
 * @param wallClock     epoch millis; injectable for tests
 */
public record EventTimeBounds(boolean live, Duration maxFutureSkew, Duration maxEventAge, LongSupplier wallClock) {

    /** CloudTrail's records reach a reader within minutes; 15 minutes also absorbs a skewed producer clock. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(15);
    /** Older than AWS keeps any CloudTrail record (CloudTrail Lake's longest retention is ten years). */
    public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofDays(3653);

    public static EventTimeBounds replay(Duration maxFutureSkew) {
        return new EventTimeBounds(false, maxFutureSkew, Duration.ZERO, System::currentTimeMillis);
    }

    public static EventTimeBounds live(Duration maxFutureSkew, Duration maxEventAge) {
        return new EventTimeBounds(true, maxFutureSkew, maxEventAge, System::currentTimeMillis);
    }

    public static EventTimeBounds defaults() {
        return replay(DEFAULT_MAX_FUTURE_SKEW);
    }

    public EventTimeBounds withWallClock(LongSupplier clock) {
        return new EventTimeBounds(live, maxFutureSkew, maxEventAge, clock);
    }
}
