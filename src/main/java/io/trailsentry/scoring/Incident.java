package io.trailsentry.scoring;

import io.trailsentry.engine.Severity;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An incident as it stands after a signal: one actor's (and the identities it created) signals
 * within the horizon, the stages they reach, and the explained score.
 *
 * @param incidentId       stable for the incident's life: derived from its actor and first signal
 * @param actorKey         the root actor (a created identity's signals join its creator's incident)
 * @param severity         the ladder's severity for the stages reached, adjusted by context, with why
 * @param stages           stages reached, in ladder order
 * @param contexts         contexts seen in the evidence (unknown_ip, off_hours, non_admin, allowlisted)
 * @param breakdown        every point of the score, by source
 * @param signals          the signals that make it up, oldest first
 * @param linkedIdentities identities created by the actor that acted (user ARNs, access key ids)
 * @param accessKeyIds     access keys seen in the evidence
 * @param evidence         eventIDs of the signals' evidence, capped
 * @param evidenceEvents   the same events as rows (time, call, IP, user agent, error), in the same order
 * @param unknownSourceIps source IPs that were unknown for the actor in at least one evidence event
 * @param onlyBuildingBlocks every signal so far is a building block (ordinary single calls), all in
 *                         one stage: worth keeping and scoring, not yet worth paging anyone
 */
public record Incident(
        String incidentId,
        String actorKey,
        String actorName,
        String principalId,
        String principalArn,
        String accountId,
        AdjustedSeverity severity,
        int score,
        List<String> stages,
        List<String> contexts,
        List<ScoreItem> breakdown,
        List<SignalRef> signals,
        Set<String> linkedIdentities,
        Set<String> accessKeyIds,
        List<String> sourceIps,
        List<String> evidence,
        Instant firstSeen,
        Instant lastSeen,
        List<EvidenceEvent> evidenceEvents,
        List<String> unknownSourceIps,
        boolean onlyBuildingBlocks) {

    /**
     * A signal inside an incident.
     *
     * @param severity       the signal's severity in its context
     * @param linkedIdentity when a created identity (not the actor itself) raised it, that identity
     * @param buildingBlock  the rule only feeds incidents (it alerts no one on its own)
     */
    public record SignalRef(String ruleId, String ruleName, List<String> stages, Severity severity, Instant at,
                            long count, String linkedIdentity, boolean buildingBlock) {
    }
}
