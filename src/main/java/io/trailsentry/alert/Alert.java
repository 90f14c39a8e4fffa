package io.trailsentry.alert;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one alert model, written as a JSON line by every sink. Field names are a contract: the SOC
 * console, webhooks and later tools read them; add fields, do not rename them.
 *
 * @param alertId     deterministic from rule, actor key, window and expanded value: a replay yields the same id
 * @param stages      attack stages this alert stands for, e.g. {@code ["discovery"]}
 * @param name        the principal name (principalId after the first ':' and before '@')
 * @param upnSuffix   the domain after '@' in the principal name, or null
 * @param windowStart first event time the alert covers
 * @param windowEnd   end of the window the alert covers
 * @param count       events behind the alert (for a bin or window: how many matched)
 * @param sourceIp    for a rule that expands per source IP (KQL mv-expand): this row's IP, else null
 * @param contexts    contextual conditions that applied (unknown_ip, off_hours, …); empty when none
 * @param evidence    eventIDs of the events behind the alert, capped at {@link AlertFactory#EVIDENCE_CAP}
 * @param entities    Sentinel-style entity mappings (account, ip)
 * @param customDetails rule-defined details (e.g. EventCount, AWSAccountId, PrincipalId)
 * @param detectedAt  the engine's event-time clock when the rule fired
 * @param actorKey    the correlated actor (role + session, user ARN); see README "Actors"
 * @param actorName   the actor as a person reads it
 * @param accessKeyIds access keys used in the evidence
 * @param incidentId  the incident this alert belongs to (a signal) or is (an incident alert)
 * @param scoreBreakdown incident alerts: every point of the score and where it comes from
 * @param signals     incident alerts: the signals that make up the incident
 * @param linkedIdentities incident alerts: users and keys the actor created that then acted
 * @param evidenceEvents one row per evidence event (id, time, call, IP, user agent, error), capped like
 *                    {@code evidence}: what an analyst reads without going back to CloudTrail
 * @param unknownSourceIps the {@code sourceIps} that were unknown for the actor (context {@code unknown_ip})
 *                    in at least one event; the others were known, AWS-internal or in a known network
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Alert(
        String alertId,
        String ruleId,
        String ruleName,
        String ruleVersion,
        String severity,
        int score,
        List<String> stages,
        MitreRef mitre,
        String principalId,
        String principalArn,
        String accountId,
        String userName,
        String name,
        String upnSuffix,
        Instant windowStart,
        Instant windowEnd,
        long count,
        String sourceIp,
        List<String> sourceIps,
        List<String> eventNames,
        List<String> errorCodes,
        List<String> errorMessages,
        List<String> regions,
        List<String> userAgents,
        List<String> contexts,
        String displayName,
        String description,
        List<String> evidence,
        List<Entity> entities,
        Map<String, Object> customDetails,
        Instant detectedAt,
        String actorKey,
        String actorName,
        List<String> accessKeyIds,
        String incidentId,
        List<io.trailsentry.scoring.ScoreItem> scoreBreakdown,
        List<io.trailsentry.scoring.Incident.SignalRef> signals,
        List<String> linkedIdentities,
        List<io.trailsentry.scoring.EvidenceEvent> evidenceEvents,
        List<String> unknownSourceIps) {

    /** The rule id incident alerts carry: the scorer, not a single rule, raised them. */
    public static final String INCIDENT_RULE_ID = "trailsentry-incident";

    /** MITRE ATT&amp;CK mapping of the rule. */
    public record MitreRef(String tacticId, String tactic, String techniqueId) {
    }

    /**
     * An entity in Sentinel's sense: {@code type} is {@code account} (with name, upnSuffix, accountId,
     * arn) or {@code ip} (with address). Unused fields are null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entity(String type, String name, String upnSuffix, String accountId, String arn, String address) {

        public static Entity account(String name, String upnSuffix, String accountId, String arn) {
            return new Entity("account", name, upnSuffix, accountId, arn, null);
        }

        public static Entity ip(String address) {
            return new Entity("ip", null, null, null, null, address);
        }
    }
}
