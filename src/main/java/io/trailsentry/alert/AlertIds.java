package io.trailsentry.alert;

import io.trailsentry.engine.RuleHit;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.scoring.Incident;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Alert ids: name-based UUIDs over what identifies a detection, never over when it was processed, so
 * replaying the same input gives the same ids and a sink drops only what it already wrote, and two
 * detections never share one (five calls in one second are five alerts).
 * <ul>
 *   <li>a signal with a trigger (a per-call rule's call, a sequence's last step): rule, key and the
 *       trigger's identity;</li>
 *   <li>a window signal: rule, key (principalId, ARN, account), window and the expanded value (one
 *       alert per source IP for rules that expand);</li>
 *   <li>an incident alert: the incident and its escalation step (severity and stages reached).</li>
 * </ul>
 */
public final class AlertIds {

    private AlertIds() {
    }

    public static String signal(RuleHit hit, String expandedValue) {
        String key = String.join("|", hit.rule().id(), String.valueOf(hit.principalId()), String.valueOf(hit.principalArn()),
                String.valueOf(hit.accountId()), Long.toString(hit.windowStart()), Long.toString(hit.windowEnd()),
                String.valueOf(expandedValue), hit.trigger() == null ? "-" : identity(hit.trigger()));
        return uuid(key);
    }

    /**
     * An incident alert's id: one per incident, severity and stages — and whether it was only kept
     * (building blocks) or paged, so the alert that pages an incident first kept quiet is not taken
     * for a duplicate of the quiet one.
     */
    public static String incident(Incident incident) {
        return uuid(String.join("|", Alert.INCIDENT_RULE_ID, incident.incidentId(), incident.severity().severity().name(),
                String.join(",", incident.stages())) + (incident.onlyBuildingBlocks() ? "|building-blocks" : ""));
    }

    /**
     * An event's identity: its eventID, which CloudTrail makes unique; a record without one (hand-made
     * input) by what it says, so distinct calls still get distinct ids.
     */
    static String identity(CloudTrailEvent e) {
        if (e.getEventID() != null && !e.getEventID().isEmpty()) {
            return e.getEventID();
        }
        return "~" + e.getEventTimeMillis() + "/" + e.getEventSource() + "/" + e.getEventName() + "/" + e.getArn() + "/"
                + e.getSourceIPAddress() + "/" + e.getRequestParameters();
    }

    private static String uuid(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
