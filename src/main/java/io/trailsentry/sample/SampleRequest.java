package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code trailsentry sample} was asked for: the bundled sample re-seeded, or a sized stream,
 * with named scenarios injected.
 *
 * @param events        background records wanted, or null for the bundled sample's hour
 * @param eps           background rate with {@code events}, or null for {@link #DEFAULT_SIZED_EPS}
 * @param scenarioNames {@code burst}, {@code straddle}, {@code chain}, {@code lowslow}
 */
public record SampleRequest(long seed, Long events, Double eps, List<String> scenarioNames) {

    /** Business-hours rate used when events are given without a rate: about 2 M events a weekday. */
    public static final double DEFAULT_SIZED_EPS = 50;
    public static final List<String> SCENARIOS = List.of("burst", "straddle", "chain", "lowslow");

    /** @throws IllegalArgumentException naming an unknown scenario, or a rate without a size */
    public SampleRequest {
        scenarioNames = List.copyOf(scenarioNames);
        if (eps != null && events == null) {
            throw new IllegalArgumentException("--eps only applies with --events");
        }
        for (String s : scenarioNames) {
            scenario(s, Instant.EPOCH); // reject unknown names before writing anything
        }
    }

    /**
     * The bundled spec, re-seeded, unless --events asks for a size. Scenarios the bundled sample does not
     * hold are placed relative to its start so the default output stays the bundled file.
     */
    public SampleSpec spec() {
        SampleSpec bundled = SampleSpec.bundled();
        Instant start = bundled.start();
        List<Scenario> chosen = new ArrayList<>();
        for (String name : scenarioNames) {
            chosen.add(switch (name) {
                case "burst" -> bundled.scenarios().get(0);
                case "chain" -> bundled.scenarios().get(1);
                default -> scenario(name, start);
            });
        }
        if (events == null) return bundled.withSeed(seed).withScenarios(chosen);
        return SampleSpec.sizedFor(seed, start, events, eps == null ? DEFAULT_SIZED_EPS : eps,
                bundled.backgroundPrincipals(), chosen);
    }

    private static Scenario scenario(String name, Instant start) {
        return switch (name) {
            case "burst" -> new EnumerationBurst("build-bot", start.plus(Duration.ofMinutes(16)), "203.0.113.42");
            // 17:15 + 35 min = 17:50, a bin edge; any start on a 5-minute mark stays aligned.
            case "straddle" -> new StraddlingBurst("legacy-reporting",
                    Instant.ofEpochSecond(Math.floorDiv(start.plus(Duration.ofMinutes(35)).getEpochSecond(), 600) * 600),
                    "203.0.113.57");
            case "chain" -> new PrivilegeEscalationChain("marketing-uploader", start.plus(Duration.ofMinutes(47)),
                    "203.0.113.99");
            case "lowslow" -> new LowAndSlow("qa-readonly", start.plus(Duration.ofMinutes(20)), "203.0.113.150");
            default -> throw new IllegalArgumentException("unknown scenario " + name
                    + ": use burst, straddle, chain, lowslow or none");
        };
    }
}
