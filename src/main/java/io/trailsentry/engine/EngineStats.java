package io.trailsentry.engine;

/**
 * A snapshot of the engine's progress.
 *
 * @param processed  events evaluated by the rules
 * @param duplicates events dropped because their eventID was already seen
 * @param late       events that arrived behind what had been released and were evaluated at the current clock
 * @param pending    events held in the reorder buffer
 * @param eventTime  the engine clock, epoch millis (0 before the first event)
 * @param watermark  newest event time seen minus the allowed lateness
 * @param rules      deployed rules
 */
public record EngineStats(long processed, long duplicates, long late, int pending, long eventTime, long watermark, int rules) {
}
