package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything that determines a sample: the same spec always yields byte-identical output.
 *
 * @param eventsPerSecond background rate in business hours (Mon–Fri 08–18 UTC); a tenth of it otherwise
 * @param scenarios       attacks injected on top of the background, each with its own random stream,
 *                        so adding one changes neither the background nor the others
 */
public record SampleSpec(long seed, Instant start, Duration duration, int backgroundPrincipals,
                         double eventsPerSecond, List<Scenario> scenarios) {

    public static final long DEFAULT_SEED = 20260120L;

    public SampleSpec {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) throw new IllegalArgumentException("duration must not be negative: " + duration);
        if (start.getNano() != 0) throw new IllegalArgumentException("start must be a whole second: " + start);
        if (backgroundPrincipals < 1) {
            throw new IllegalArgumentException("backgroundPrincipals must be at least 1: " + backgroundPrincipals);
        }
        if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("eventsPerSecond must be a finite number >= 0: " + eventsPerSecond);
        }
        scenarios = List.copyOf(scenarios);
    }

    /**
     * The spec of {@code samples/cloudtrail-sample.jsonl}: one hour at the end of a Tuesday's business day,
     * a mid-afternoon enumeration burst and an after-hours privilege-escalation chain.
     */
    public static SampleSpec bundled() {
        return new SampleSpec(DEFAULT_SEED, Instant.parse("2026-01-20T17:15:00Z"), Duration.ofHours(1), 24, 0.42,
                List.of(new EnumerationBurst("build-bot", Instant.parse("2026-01-20T17:31:20Z"), "203.0.113.42"),
                        new PrivilegeEscalationChain("marketing-uploader", Instant.parse("2026-01-20T18:02:10Z"),
                                "203.0.113.99")));
    }

    /**
     * A spec with exactly {@code backgroundEvents} background records at roughly {@code eventsPerSecond}:
     * the duration is grown to fit and the rate then trimmed so the count comes out exact.
     */
    public static SampleSpec sizedFor(long seed, Instant start, long backgroundEvents, double eventsPerSecond,
                                      int backgroundPrincipals, List<Scenario> scenarios) {
        if (backgroundEvents < 0) throw new IllegalArgumentException("backgroundEvents must be >= 0: " + backgroundEvents);
        if (!(eventsPerSecond > 0)) throw new IllegalArgumentException("eventsPerSecond must be > 0: " + eventsPerSecond);
        Duration duration = Background.durationFor(start, backgroundEvents / eventsPerSecond);
        double weighted = Background.weightedSeconds(start, start.plus(duration));
        double rate = weighted == 0 ? 0 : backgroundEvents / weighted;
        return new SampleSpec(seed, start, duration, backgroundPrincipals, rate, scenarios);
    }

    public SampleSpec withSeed(long newSeed) {
        return new SampleSpec(newSeed, start, duration, backgroundPrincipals, eventsPerSecond, scenarios);
    }

    public SampleSpec withScenarios(List<Scenario> newScenarios) {
        return new SampleSpec(seed, start, duration, backgroundPrincipals, eventsPerSecond, newScenarios);
    }

    /** End of the background window (scenarios may lie outside it). */
    public Instant end() {
        return start.plus(duration);
    }

    /** Exactly how many background records the generator will produce for this spec. */
    public long backgroundEvents() {
        return Background.expectedCount(start, end(), eventsPerSecond);
    }
}
