package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.List;
import java.util.Map;

/**
 * One output row of a rule statement, before it becomes an alert.
 *
 * <p>Rules select these well-known columns (all optional except the evidence):
 * {@code principalId}, {@code principalArn}, {@code accountId}, {@code eventCount},
 * {@code windowStart}, {@code windowEnd} (epoch millis), {@code events} (the evidence, e.g.
 * {@code window(*)}) and {@code trigger} (for a sequence: the event that completed it, added to the evidence). A rule that selects a single event ({@code select *}) is its own evidence.
 * Missing columns are derived from the evidence; any other selected column lands in {@link #columns}.
 *
 * @param engineTime the engine's event-time clock when the row was produced (epoch millis)
 * @param trigger    the event whose arrival produced the row (a single-call rule's call, a sequence's
 *                   last step, a burst's threshold-crossing call), or null for a row produced by time
 *                   (a bin closing): part of what tells one detection from another
 */
public record RuleHit(
        RuleMetadata rule,
        String principalId,
        String principalArn,
        String accountId,
        long windowStart,
        long windowEnd,
        long count,
        List<CloudTrailEvent> events,
        Map<String, Object> columns,
        long engineTime,
        CloudTrailEvent trigger) {

    public RuleHit {
        events = List.copyOf(events);
        columns = Map.copyOf(columns);
    }

    /** Short form: a hit can carry hundreds of events, and test failures print this. */
    @Override
    public String toString() {
        return "RuleHit[" + rule.id() + " " + principalId + " count=" + count + " window=" + windowStart + ".." + windowEnd
                + " events=" + events.size() + " at=" + engineTime + "]";
    }
}
