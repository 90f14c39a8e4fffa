package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * 64 enumeration calls, 32 in the two minutes before a 10-minute bin boundary and 32 in the two minutes
 * after. Sentinel's tumbling {@code bin(TimeGenerated, 10m)} sees 32 + 32 and stays silent; any sliding
 * 10-minute window over the burst sees 64. This is the case that justifies a sliding rule.
 */
public record StraddlingBurst(String actor, Instant boundary, String sourceIp) implements Scenario {

    public static final int PER_SIDE = 32;
    public static final Duration SIDE = Duration.ofMinutes(2);

    public StraddlingBurst {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(sourceIp, "sourceIp");
        if (boundary.getEpochSecond() % 600 != 0 || boundary.getNano() != 0) {
            throw new IllegalArgumentException("boundary must be on a 10-minute bin edge (…:00, :10, …), got " + boundary);
        }
    }

    @Override
    public Instant start() {
        return boundary.minus(SIDE);
    }

    @Override
    public Instant end() {
        return boundary.plus(SIDE);
    }

    @Override
    public List<ApiCall> calls(String accountId, SeededRandom r) {
        CallFactory factory = new CallFactory(accountId);
        Principal p = Principal.iamUser(accountId, actor);
        List<ApiCall> out = new ArrayList<>(2 * PER_SIDE);
        for (Instant sideStart : List.of(start(), boundary)) {
            for (int k = 0; k < PER_SIDE; k++) {
                String name = r.pick(SampleOrg.SENTINEL_ENUMERATION_EVENTS);
                out.add(factory.call(name, p, Slots.time(sideStart, SIDE, k, PER_SIDE, r), SampleOrg.HOME_REGION,
                        sourceIp, AttackerAgents.pick(name, r), r));
            }
        }
        return out;
    }
}
