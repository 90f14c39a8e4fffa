package io.trailsentry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The event archive, {@code trailsentry.archive.*}: what the server ingested (HTTP, inbox, Kafka),
 * kept as gzip JSON lines by event-time hour, for {@code rules backtest} and {@code replay}.
 */
@ConfigMapping(prefix = "trailsentry.archive")
public interface ArchiveConfig {

    /** Serve mode: archive what is ingested. */
    @WithDefault("true")
    boolean enabled();

    /** The archive's folder: {@code YYYY/MM/DD/HH-NNNNNN.jsonl.gz} under it; also the default input of {@code rules backtest}. */
    @WithDefault("data/archive")
    Path dir();

    /** Hours further than this behind the newest archived event time are deleted. */
    @WithDefault("30d")
    Duration retention();

    /** The oldest files are deleted while the archive is bigger than this. */
    @WithDefault("10G")
    MemorySize maxSize();

    /**
     * Events waiting for the archive's writer thread at most; when a slow disk lets more pile up they
     * are dropped (counted in {@code GET /status} and {@code trailsentry_archive_events_total{result="dropped"}}),
     * never held against ingestion.
     */
    @WithDefault("20000")
    int queueCapacity();
}
