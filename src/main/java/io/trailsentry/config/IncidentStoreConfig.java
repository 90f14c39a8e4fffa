package io.trailsentry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the SOC console's incidents and their triage state live, {@code trailsentry.incidents.*}.
 * The database is chosen by URL at run time: an embedded H2 file by default (nothing to install,
 * survives restarts), PostgreSQL when a team shares one ({@code jdbc:postgresql://host:5432/db} plus
 * user and password). The schema is migrated on start (Flyway, db/incidents/V*.sql).
 */
@ConfigMapping(prefix = "trailsentry.incidents")
public interface IncidentStoreConfig {

    /** JDBC URL: {@code jdbc:h2:file:…} or {@code jdbc:postgresql://…}. */
    @WithDefault("jdbc:h2:file:./data/incidents;DB_CLOSE_ON_EXIT=FALSE")
    String jdbcUrl();

    /** Database user (PostgreSQL); H2 files need none. */
    Optional<String> username();

    Optional<String> password();

    /** Connections kept for the console's reads and the one writer. */
    @WithDefault("4")
    int maxConnections();

    /**
     * Alerts waiting to be written. When the database falls this far behind, the alerts beyond it are
     * counted (trailsentry_incidents_alerts_not_stored_total{reason="queue_full"}) and logged, never
     * waited for: the engine does not slow down for the store; the alert file keeps every alert.
     */
    @WithDefault("50000")
    int queueCapacity();

    /** How long shutdown waits for queued alerts to be written. */
    @WithDefault("10s")
    Duration drainTimeout();
}
