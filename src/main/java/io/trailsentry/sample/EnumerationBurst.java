package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Sentinel "User IAM Enumeration" case: one IAM user fires {@code count} of the rule's six List*
 * calls within {@code span}, switching from {@code sourceIp} to {@code secondIp} for the last quarter and
 * between three tools, with every 16th call refused — what a recon script with a partly-privileged stolen
 * key looks like.
 */
public record EnumerationBurst(String actor, Instant start, String sourceIp, String secondIp, int count, Duration span)
        implements Scenario {

    public static final int DEFAULT_COUNT = 64;
    public static final Duration DEFAULT_SPAN = Duration.ofMinutes(3);

    public EnumerationBurst {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(secondIp, "secondIp");
        if (count <= 0) throw new IllegalArgumentException("count must be positive: " + count);
        if (span.isNegative() || span.isZero()) throw new IllegalArgumentException("span must be positive: " + span);
    }

    /** 64 calls over 3 minutes; the second address is the next one in the same /24. */
    public EnumerationBurst(String actor, Instant start, String sourceIp) {
        this(actor, start, sourceIp, nextAddress(sourceIp), DEFAULT_COUNT, DEFAULT_SPAN);
    }

    @Override
    public Instant end() {
        return start.plus(span);
    }

    /** Positions k with k % 16 == 7 are refused: 4 of the default 64. */
    public static boolean isDenied(int k) {
        return k % 16 == 7;
    }

    @Override
    public List<ApiCall> calls(String accountId, SeededRandom r) {
        CallFactory factory = new CallFactory(accountId);
        Principal p = Principal.iamUser(accountId, actor);
        List<ApiCall> out = new ArrayList<>(count);
        int switchAt = count - count / 4;
        for (int k = 0; k < count; k++) {
            String name = r.pick(SampleOrg.SENTINEL_ENUMERATION_EVENTS);
            String ip = k < switchAt ? sourceIp : secondIp;
            ApiCall call = factory.call(name, p, Slots.time(start, span, k, count, r), SampleOrg.HOME_REGION, ip,
                    AttackerAgents.pick(name, r), r);
            out.add(isDenied(k) ? factory.denied(call) : call);
        }
        return out;
    }

    static String nextAddress(String ip) {
        int dot = ip.lastIndexOf('.');
        int last = Integer.parseInt(ip.substring(dot + 1));
        return ip.substring(0, dot + 1) + (last % 254 + 1);
    }
}
