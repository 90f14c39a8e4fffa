package io.trailsentry.incident;

import java.util.List;
import java.util.Map;

/**
 * One page of incidents, with what the console's filter bar needs.
 *
 * @param total      incidents matching every filter
 * @param bySeverity counts per severity under every filter but the severity one
 * @param byStatus   counts per triage status under every filter but the status one
 * @param ladder     every stage key in ladder (kill-chain) order, for drawing the ladder
 * @param stages     the same stages with the names and abbreviations the console shows
 */
public record IncidentPage(List<IncidentSummary> items, int page, int size, long total, Map<String, Long> bySeverity,
                           Map<String, Long> byStatus, List<String> ladder, List<LadderStage> stages) {

    /** A stage as the console draws it. */
    public record LadderStage(String key, String name, String abbreviation) {
    }

    /** This page with the stage vocabulary of the running rules (the store does not know it). */
    public IncidentPage withLadder(List<LadderStage> ladderStages) {
        return new IncidentPage(items, page, size, total, bySeverity, byStatus,
                ladderStages.stream().map(LadderStage::key).toList(), List.copyOf(ladderStages));
    }
}
