package io.trailsentry.bench.peers;

import java.time.Instant;

/**
 * What an implementation's alert is compared on: the rule, whom it is about, and which bin or which
 * triggering call. The Sentinel rule's one-alert-per-source-IP expansion is left out (it multiplies
 * every key alike); its count is kept, so a bin that fires with a different count disagrees.
 *
 * @param rule    {@link RuleSemantics#ENUMERATION_RULE} or {@link RuleSemantics#SEQUENCE_RULE}
 * @param subject the group ({@code principalId arn accountId}) or the actor key
 * @param at      the bin ({@code 2026-01-20T08:10:00Z count=64}) or the triggering call's eventID
 */
public record AlertKey(String rule, String subject, String at) implements Comparable<AlertKey> {

    public static AlertKey enumerationBin(String principalId, String arn, String accountId, long binStart, long count) {
        return new AlertKey(RuleSemantics.ENUMERATION_RULE, principalId + " " + arn + " " + accountId,
                Instant.ofEpochMilli(binStart) + " count=" + count);
    }

    public static AlertKey privilegeAfterDiscovery(String actorKey, String triggerEventId) {
        return new AlertKey(RuleSemantics.SEQUENCE_RULE, actorKey, triggerEventId);
    }

    @Override
    public int compareTo(AlertKey o) {
        int c = rule.compareTo(o.rule);
        if (c == 0) c = subject.compareTo(o.subject);
        return c != 0 ? c : at.compareTo(o.at);
    }

    @Override
    public String toString() {
        return rule + " | " + subject + " | " + at;
    }
}
