package io.trailsentry.bench.peers;

import io.trailsentry.sample.SampleOrg;

import java.util.Set;

/**
 * What the two benchmarked rules mean, written down once for the peer implementations; TrailSentry
 * itself runs the {@code .epl} files named here, loaded from the rules folder, so a change to their
 * internals is benchmarked as it is.
 *
 * <ul>
 *   <li>{@link #ENUMERATION_RULE}: the six IAM List* calls, counted per (principalId, arn, accountId)
 *       in tumbling 10-minute bins aligned to the epoch on event time; one row per group at the end
 *       of a bin whose count exceeds 50.</li>
 *   <li>{@link #SEQUENCE_RULE}: every privilege-escalation or persistence call by a non-service
 *       actor fires when the same actor made at least one discovery call in the preceding 15 minutes
 *       of event time (a discovery call exactly 15 minutes earlier has left the window).</li>
 * </ul>
 * Events with the same timestamp count in (eventTime, eventID) order, as TrailSentry releases them.
 */
public final class RuleSemantics {

    public static final String ENUMERATION_RULE = "discovery_iam_enumeration_compat";
    public static final String SEQUENCE_RULE = "privilege_escalation_after_discovery";
    /** The rule files benchmarked, by name: the only ones deployed on TrailSentry's path. */
    public static final String[] RULE_FILES = {ENUMERATION_RULE + ".epl", SEQUENCE_RULE + ".epl"};

    public static final Set<String> ENUMERATION_EVENTS = Set.copyOf(SampleOrg.SENTINEL_ENUMERATION_EVENTS);
    public static final int ENUMERATION_THRESHOLD = SampleOrg.SENTINEL_THRESHOLD;
    public static final long BIN_MILLIS = 10 * 60_000L;
    public static final long FOLLOW_UP_MILLIS = 15 * 60_000L;

    private RuleSemantics() {
    }

    static long binStart(long eventTimeMillis) {
        return eventTimeMillis - Math.floorMod(eventTimeMillis, BIN_MILLIS);
    }
}
