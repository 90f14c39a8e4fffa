package io.trailsentry.alert.webhook;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: before retry {@code n} (1 for the first) the ceiling is
 * {@code base · 2^(n-1)}, capped at {@code max}, and the wait is a random point in its upper half.
 * The jitter keeps several TrailSentry servers, or a burst of alerts, from hammering a recovering
 * endpoint in lockstep; keeping the lower half out means a retry never comes immediately.
 */
public record Backoff(Duration base, Duration max) {

    public Backoff {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("backoff base delay must be positive, was " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff max delay " + max + " is below the base delay " + base);
        }
    }

    /**
     * @param retry  1 for the first retry
     * @param random a value in [0, 1)
     */
    public long delayMillis(int retry, DoubleSupplier random) {
        long ceiling = ceilingMillis(retry);
        long half = ceiling / 2;
        return half + (long) (random.getAsDouble() * (ceiling - half));
    }

    /** The largest wait before retry {@code retry}: exponential in the retry, never above {@code max}. */
    public long ceilingMillis(int retry) {
        long base = Math.max(1, this.base.toMillis());
        long max = Math.max(base, this.max.toMillis());
        int doublings = Math.max(0, retry - 1);
        // Beyond 62 doublings the product overflows; by then it is far above any sane max anyway.
        if (doublings >= 62 || base > (max >> doublings)) {
            return max;
        }
        return Math.min(max, base << doublings);
    }
}
