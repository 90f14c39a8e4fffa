package io.trailsentry.incident;

import java.time.Instant;
import java.util.List;

/**
 * One incident as the console lists it: the latest escalation's severity, score and stages, the
 * actor, when it was active (event time), its source IPs, and its triage state.
 *
 * @param stages      stages reached, in ladder order
 * @param actorName   the actor as a person reads it ({@code bob@example.org}, {@code marketing-uploader})
 * @param upnSuffix   the domain of the principal name, or null
 * @param firstSeen   event time of its first signal
 * @param lastSeen    event time of its latest signal
 * @param signalCount signal alerts recorded for it
 * @param escalations incident alerts recorded for it (open, new stage, up the ladder)
 * @param statusBy    who set the status ({@code anonymous} without authentication, {@code trailsentry} for a reopen)
 * @param statusAt    wall-clock time the status was set, null while never triaged
 * @param updatedAt   wall-clock time of the last change to this incident in the store
 */
public record IncidentSummary(String incidentId, String severity, int score, List<String> stages, String actorKey,
                              String actorName, String upnSuffix, String accountId, String principalArn,
                              Instant firstSeen, Instant lastSeen, List<SourceIp> sourceIps, int signalCount,
                              int escalations, TriageStatus status, String statusBy, Instant statusAt, String statusNote,
                              Instant updatedAt) {
}
