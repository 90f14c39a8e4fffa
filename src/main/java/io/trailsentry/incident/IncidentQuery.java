package io.trailsentry.incident;

import io.trailsentry.engine.Severity;

import java.time.Instant;
import java.util.Set;

/**
 * A page of the incident list. Every filter is optional (null or empty = any).
 *
 * @param severities exact severities to include, e.g. {High, Critical}
 * @param stage      incidents that reached this stage
 * @param account    AWS account id
 * @param from       incidents active at or after this event time (last seen ≥ from)
 * @param to         incidents active before this event time (first seen &lt; to)
 * @param page       0-based page number
 * @param size       rows per page, 1 to {@link #MAX_SIZE}
 */
public record IncidentQuery(Set<Severity> severities, String stage, String account, TriageStatus status, Instant from,
                            Instant to, Sort sort, int page, int size) {

    public static final int MAX_SIZE = 500;

    /** Most severe first (then most recent), or most recent first. */
    public enum Sort {
        SEVERITY, LAST_SEEN
    }

    public IncidentQuery {
        severities = severities == null ? Set.of() : Set.copyOf(severities);
        stage = blankToNull(stage);
        account = blankToNull(account);
        sort = sort == null ? Sort.SEVERITY : sort;
        if (page < 0) {
            throw new IllegalArgumentException("page must be 0 or more, was " + page);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE + ", was " + size);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
        }
    }

    /** Everything, most severe first. */
    public static IncidentQuery all(int page, int size) {
        return new IncidentQuery(Set.of(), null, null, null, null, null, Sort.SEVERITY, page, size);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
