package io.trailsentry.pipeline;

import io.trailsentry.engine.EngineStats;

/**
 * Totals since the pipeline started.
 *
 * @param read       records parsed into events
 * @param rejected   records set aside as dead letters
 * @param alerts     alerts handed to the sinks
 * @param sinkErrors alerts a sink failed to take (logged; the engine goes on)
 * @param engine     the engine's own counters (duplicates, late, clock)
 */
public record PipelineStats(long read, long rejected, long alerts, long sinkErrors, EngineStats engine) {
}
