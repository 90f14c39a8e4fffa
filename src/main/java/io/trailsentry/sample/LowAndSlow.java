package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A patient attacker: 30 broad discovery calls (IAM, S3, EC2 List/Get/Describe) at about one every
 * 20 seconds for 10 minutes — never near Sentinel's 50 — then AttachRolePolicy granting
 * AdministratorAccess to {@code targetRole}. Only context (night, unknown address) and sequence give it away.
 */
public record LowAndSlow(String actor, Instant start, String sourceIp, String targetRole) implements Scenario {

    public static final int DISCOVERY_CALLS = 30;
    public static final Duration DISCOVERY_SPAN = Duration.ofMinutes(10);

    static final List<String> DISCOVERY = List.of(
            "GetCallerIdentity", "ListUsers", "ListRoles", "GetRole", "ListAttachedRolePolicies", "ListPolicies",
            "GetPolicy", "ListGroups", "GetAccountSummary", "ListBuckets", "GetBucketPolicy", "DescribeInstances",
            "ListFunctions", "ListRolePolicies", "GetUser");

    public LowAndSlow {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(targetRole, "targetRole");
    }

    public LowAndSlow(String actor, Instant start, String sourceIp) {
        this(actor, start, sourceIp, "ops-automation-role");
    }

    @Override
    public Instant end() {
        return start.plus(DISCOVERY_SPAN).plusSeconds(31);
    }

    @Override
    public List<ApiCall> calls(String accountId, SeededRandom r) {
        CallFactory factory = new CallFactory(accountId);
        Principal p = Principal.iamUser(accountId, actor);
        String ua = AttackerAgents.pick("ListUsers", r); // one tool throughout: a careful operator
        List<ApiCall> out = new ArrayList<>(DISCOVERY_CALLS + 1);
        for (int k = 0; k < DISCOVERY_CALLS; k++) {
            String name = DISCOVERY.get(k % DISCOVERY.size());
            out.add(factory.call(name, p, Slots.time(start, DISCOVERY_SPAN, k, DISCOVERY_CALLS, r),
                    SampleOrg.HOME_REGION, sourceIp, ua, r));
        }
        out.add(factory.attachRolePolicy(p, start.plus(DISCOVERY_SPAN).plusSeconds(30), sourceIp, ua, targetRole,
                CallFactory.ADMIN_POLICY_ARN));
        return out;
    }
}
