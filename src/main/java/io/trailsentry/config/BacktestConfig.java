package io.trailsentry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Backtests the server runs on its event archive ({@code POST /rules/backtest}), {@code trailsentry.backtest.*}:
 * one job at a time on one low-priority thread, bounded by these so that a wide window cannot keep a
 * core busy for hours or fill the heap with two sets' alerts.
 */
@ConfigMapping(prefix = "trailsentry.backtest")
public interface BacktestConfig {

    /**
     * Events each rule set replays at most. Past it both sets stop at the same event and the diff
     * covers the window's first events only (reported as {@code capped}); narrow {@code from}/{@code to}
     * to see the rest.
     */
    @WithDefault("5000000")
    long maxEvents();

    /** Wall-clock time a job may take, compiling included; past it the job fails and says so. */
    @WithDefault("30m")
    Duration maxDuration();
}
