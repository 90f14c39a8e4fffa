package io.trailsentry.incident;

/**
 * What the live stream tells the console: an incident and what just happened to it.
 *
 * @param change {@code created}, {@code escalated}, {@code reopened} (a resolved incident escalated),
 *               {@code updated} (another signal joined) or {@code triaged}
 */
public record IncidentChange(String change, IncidentSummary incident) {

    public static final String CREATED = "created";
    public static final String ESCALATED = "escalated";
    public static final String REOPENED = "reopened";
    public static final String UPDATED = "updated";
    public static final String TRIAGED = "triaged";
}
