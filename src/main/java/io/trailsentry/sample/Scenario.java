package io.trailsentry.sample;

import java.time.Instant;
import java.util.List;

/**
 * An attack injected into the background. Each scenario is a plain record of its parameters; its calls
 * are a pure function of those parameters and the random stream it is given, so a test can rebuild a
 * scenario and know exactly which records it contributed.
 */
public sealed interface Scenario permits EnumerationBurst, StraddlingBurst, PrivilegeEscalationChain, LowAndSlow {

    /** The IAM user name the attacker acts as. */
    String actor();

    String sourceIp();

    /** First instant any of the scenario's events can have. */
    Instant start();

    /** Exclusive end: every event of the scenario lies in [start, end). */
    Instant end();

    /** The calls, in event-time order. */
    List<ApiCall> calls(String accountId, SeededRandom random);
}
