package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;

/** Spreads n events over a span: one per equal slot, at a random second inside it, so times rise. */
final class Slots {

    private Slots() {
    }

    /** The k-th of n times in [start, start + span), truncated to the whole second CloudTrail records. */
    static Instant time(Instant start, Duration span, int k, int n, SeededRandom r) {
        long spanMillis = span.toMillis();
        long offset = (k * spanMillis + (long) (r.nextDouble() * spanMillis)) / n;
        return Instant.ofEpochSecond(start.plusMillis(offset).getEpochSecond());
    }
}
