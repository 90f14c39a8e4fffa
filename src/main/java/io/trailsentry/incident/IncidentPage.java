package io.trailsentry.incident;

import java.util.List;
import java.util.Map;

/**
 * One page of incidents, with what the console's filter bar needs.
 *
 * @param total      incidents matching every filter
 * @param bySeverity counts per severity under every filter but the severity one
 * @param byStatus   counts per triage status under every filter but the status one
 * @param ladder     every stage in kill-chain order, for drawing the ladder
 */
public record IncidentPage(List<IncidentSummary> items, int page, int size, long total, Map<String, Long> bySeverity,
                           Map<String, Long> byStatus, List<String> ladder) {
}
