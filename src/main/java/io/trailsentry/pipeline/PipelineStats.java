package io.trailsentry.pipeline;

import io.trailsentry.engine.EngineStats;

/**
 * Totals since the pipeline started.
 *
 * @param read       records parsed into events
 * @param rejected   records set aside as dead letters
 * @param alerts     alerts handed to the sinks, of every kind
 * @param forAnalysts of those, the ones for people (incident escalations and alerting rules' signals);
 *                   the rest are building blocks and allowlist-suppressed signals
 * @param buildingBlocks signals of rules that only feed incidents
 * @param suppressed alerts whose every call was allowlisted
 * @param sinkErrors alerts a sink failed to take (logged; the engine goes on)
 * @param engine     the engine's own counters (duplicates, late, clock)
 */
public record PipelineStats(long read, long rejected, long alerts, long forAnalysts, long buildingBlocks, long suppressed,
                            long sinkErrors, EngineStats engine) {
}
