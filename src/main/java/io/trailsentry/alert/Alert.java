package io.trailsentry.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.trailsentry.engine.Severity;
import io.trailsentry.scoring.EvidenceEvent;
import io.trailsentry.scoring.Incident;
import io.trailsentry.scoring.ScoreItem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one alert model, written as a JSON line by every sink: a signal of one rule, or an escalation
 * of an incident. It is a few small records, each flattened into the one JSON object whose field
 * names are a contract (docs/operations.md "Alert format"): the SOC console, webhooks and later tools read them;
 * add fields, do not rename them.
 *
 * @param alertId     deterministic and unique per detection: a per-call signal includes its triggering
 *                    eventID, a window signal its rule, key and window, an incident alert its escalation
 *                    step; replaying the same input yields the same ids ({@link AlertIds})
 * @param rule        which rule, and whether it alerts or only feeds incidents
 * @param rating      severity in context, the rule's (or the ladder's) beside it, and why
 * @param score       a signal: its severity's base score; an incident: the sum of its breakdown
 * @param stages      attack stages this alert stands for, e.g. {@code ["discovery"]}
 * @param actor       who did it
 * @param window      when, and how many events
 * @param evidence    what it saw
 * @param incident    the incident a signal belongs to, or the incident an incident alert is
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Alert(
        String alertId,
        @JsonUnwrapped RuleRef rule,
        @JsonUnwrapped Rating rating,
        int score,
        List<String> stages,
        MitreRef mitre,
        @JsonUnwrapped Actor actor,
        @JsonUnwrapped Window window,
        // Named apart from its own "evidence" field (the eventIDs), so reading an alert back does not
        // take that array for this object.
        @JsonUnwrapped @JsonProperty("evidenceFields") Evidence evidence,
        String displayName,
        String description,
        @JsonUnwrapped IncidentRef incident) {

    /** The rule id incident alerts carry: the scorer, not a single rule, raised them. */
    public static final String INCIDENT_RULE_ID = "trailsentry-incident";

    /**
     * Whether a person should be told (webhook, Kafka alerts topic, OCSF file, default {@code GET /alerts}):
     * incident escalations and alerting rules' signals, unless the allowlist suppressed them. Building
     * blocks and suppressed alerts are kept (alert file, incident store) but page no one.
     */
    @JsonIgnore
    public boolean forAnalyst() {
        return !rule.buildingBlock() && !rating.suppressed();
    }

    @JsonIgnore
    public boolean isIncident() {
        return INCIDENT_RULE_ID.equals(rule.ruleId());
    }

    /**
     * The rule behind the alert.
     *
     * @param buildingBlock  the rule only feeds correlation: its signals are scored into incidents and
     *                       stored, never sent to a person on their own
     * @param falsePositives benign causes the rule's author lists, for triage (empty for incidents)
     */
    public record RuleRef(String ruleId, String ruleName, String ruleVersion, boolean buildingBlock, List<String> falsePositives) {
    }

    /**
     * Severity in context.
     *
     * @param severity       what the alert is
     * @param baseSeverity   the rule's severity (an incident: the stage ladder's) before context
     * @param severityReason why it is what it is, for the analyst
     * @param suppressed     the allowlist applied: kept, scored, visible on request, sent to no one
     */
    public record Rating(Severity severity, Severity baseSeverity, String severityReason, boolean suppressed) {
    }

    /** MITRE ATT&amp;CK mapping of the rule. */
    public record MitreRef(String tacticId, String tactic, String techniqueId) {
    }

    /**
     * Who did it.
     *
     * @param userName     the principal name (principalId after the first ':'), as Sentinel derives it
     * @param name         the principal name before '@'
     * @param upnSuffix    the domain after '@' in the principal name, or null
     * @param actorKey     the correlated actor (role + session, user ARN); see docs/rules.md "Actors"
     * @param actorName    the actor as a person reads it
     * @param accessKeyIds access keys used in the evidence
     */
    public record Actor(String principalId, String principalArn, String accountId, String userName, String name,
                        String upnSuffix, String actorKey, String actorName, List<String> accessKeyIds) {
    }

    /**
     * When.
     *
     * @param windowStart first event time the alert covers
     * @param windowEnd   end of the window the alert covers
     * @param count       events behind the alert (for a bin or window: how many matched)
     * @param detectedAt  the engine's event-time clock when the rule fired
     */
    public record Window(Instant windowStart, Instant windowEnd, long count, Instant detectedAt) {
    }

    /**
     * What was seen.
     *
     * @param sourceIp         for a rule that expands per source IP (KQL mv-expand): this row's IP, else null
     * @param unknownSourceIps the {@code sourceIps} unknown for the actor (context {@code unknown_ip}) in at least one event
     * @param contexts         contextual conditions that applied (unknown_ip, off_hours, …); empty when none
     * @param eventIds         eventIDs of the events behind the alert, capped at {@link AlertFactory#EVIDENCE_CAP}
     * @param evidenceEvents   one row per evidence event (id, time, call, IP, user agent, error), capped like
     *                         {@code evidence}: what an analyst reads without going back to CloudTrail
     * @param entities         Sentinel-style entity mappings (account, ip)
     * @param customDetails    rule-defined details (e.g. EventCount, AWSAccountId, PrincipalId)
     */
    public record Evidence(String sourceIp, List<String> sourceIps, List<String> unknownSourceIps, List<String> eventNames,
                           List<String> errorCodes, List<String> errorMessages, List<String> regions, List<String> userAgents,
                           List<String> contexts, @JsonProperty("evidence") List<String> eventIds,
                           List<EvidenceEvent> evidenceEvents, List<Entity> entities, Map<String, Object> customDetails) {
    }

    /**
     * The incident.
     *
     * @param incidentId       the incident a signal belongs to, or the one an incident alert is
     * @param scoreBreakdown   incident alerts: every point of the score and where it comes from
     * @param signals          incident alerts: the signals that make up the incident
     * @param linkedIdentities incident alerts: users and keys the actor created that then acted
     * @param stageTactics     incident alerts: the ATT&amp;CK tactic of every stage reached, in ladder order
     */
    public record IncidentRef(String incidentId, List<ScoreItem> scoreBreakdown, List<Incident.SignalRef> signals,
                              List<String> linkedIdentities, List<MitreRef> stageTactics) {

        /** A signal's reference to its incident (null when it has none: AWS acting on its own). */
        public static IncidentRef of(String incidentId) {
            return new IncidentRef(incidentId, null, null, null, null);
        }
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
