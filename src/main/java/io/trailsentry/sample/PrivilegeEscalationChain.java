package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The write-up's full progression, meant to run at night from an address the company doesn't own:
 * enumeration (56 of the six List* calls in 4 minutes), then CreateUser → AttachUserPolicy
 * (AdministratorAccess) → CreateAccessKey for {@code newUser}, then the new key itself lists buckets and
 * reads objects. A correlation rule must link the key id in CreateAccessKey's response to the later
 * calls' {@code userIdentity.accessKeyId}.
 */
public record PrivilegeEscalationChain(String actor, Instant start, String sourceIp, String newUser)
        implements Scenario {

    public static final int ENUMERATION_CALLS = 56;
    public static final Duration ENUMERATION_SPAN = Duration.ofMinutes(4);
    public static final int OBJECT_READS = 8;

    public PrivilegeEscalationChain {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(newUser, "newUser");
        if (actor.equals(newUser)) throw new IllegalArgumentException("newUser must differ from actor: " + actor);
    }

    /** Creates {@code support-automation}: a name chosen to blend in with service accounts. */
    public PrivilegeEscalationChain(String actor, Instant start, String sourceIp) {
        this(actor, start, sourceIp, "support-automation");
    }

    @Override
    public Instant end() {
        return start.plus(Duration.ofMinutes(11));
    }

    @Override
    public List<ApiCall> calls(String accountId, SeededRandom r) {
        CallFactory factory = new CallFactory(accountId);
        Principal attacker = Principal.iamUser(accountId, actor);
        // Recon from a single address: the attacker hasn't rotated infrastructure yet.
        List<ApiCall> out = new ArrayList<>(new EnumerationBurst(actor, start, sourceIp, sourceIp,
                ENUMERATION_CALLS, ENUMERATION_SPAN).calls(accountId, r));
        String ua = AttackerAgents.pick("CreateUser", r);
        Instant t = start.plus(ENUMERATION_SPAN).plusSeconds(30);
        out.add(factory.createUser(attacker, t, sourceIp, ua, newUser));
        out.add(factory.attachUserPolicy(attacker, t.plusSeconds(20), sourceIp, ua, newUser, CallFactory.ADMIN_POLICY_ARN));
        out.add(factory.createAccessKey(attacker, t.plusSeconds(40), sourceIp, ua, newUser));

        // IAM keys take a minute or two to propagate; the attacker then switches to the new identity.
        Principal created = Principal.iamUser(accountId, newUser);
        Instant use = start.plus(Duration.ofMinutes(7));
        out.add(factory.call("ListBuckets", created, use, SampleOrg.HOME_REGION, sourceIp,
                AttackerAgents.pick("ListBuckets", r), r));
        for (int k = 0; k < OBJECT_READS; k++) {
            out.add(factory.call("GetObject", created, use.plusSeconds(30 + 20L * k), SampleOrg.HOME_REGION, sourceIp,
                    AttackerAgents.pick("GetObject", r), r));
        }
        return out;
    }
}
