package io.trailsentry.scoring;

import io.trailsentry.ingest.CloudTrailEvent;

import java.time.Instant;

/**
 * One event behind an alert, as an analyst reads it in a table: which call, when, from where, with
 * what client, and whether it failed. Alerts carry these beside their eventIDs ({@code evidenceEvents}),
 * and incidents keep them for their capped evidence, so a console shows the evidence without going
 * back to CloudTrail. Field names are part of the alert contract.
 *
 * @param errorCode null when the call succeeded
 * @param invokedBy the AWS service the call came through ({@code signin.amazonaws.com} for the console,
 *                  {@code cloudformation.amazonaws.com}, …), null for a direct call
 */
public record EvidenceEvent(String eventId, Instant eventTime, String eventName, String eventSource, String sourceIp,
                            String userAgent, String errorCode, String invokedBy) {

    public static EvidenceEvent of(CloudTrailEvent event) {
        return new EvidenceEvent(event.getEventID(), event.getEventTime(), event.getEventName(), event.getEventSource(),
                event.getSourceIPAddress(), event.getUserAgent(), event.getErrorCode(), event.getInvokedBy());
    }
}
