package io.trailsentry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Limits of {@code POST /events}, {@code trailsentry.ingest.*}: how much may wait for the engine and
 * how big one request may be, so a burst of senders meets a clear 429/413 instead of an unbounded queue.
 */
@ConfigMapping(prefix = "trailsentry.ingest")
public interface IngestConfig {

    /** Requests parsed and evaluated at once; others wait for a turn. */
    @WithDefault("2")
    int maxInFlight();

    /** How long a request waits for a turn before it is answered 429 with Retry-After. */
    @WithDefault("2s")
    Duration maxWait();

    /** Largest body (after HTTP decompression) one request may carry; above it: 413. Send bigger files through the inbox. */
    @WithDefault("32M")
    MemorySize maxBodySize();
}
