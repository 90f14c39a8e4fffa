package io.trailsentry.incident;

import io.trailsentry.alert.Alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Incidents, their alerts and their triage state in a database. One implementation over plain JDBC
 * serves H2 and PostgreSQL ({@link JdbcIncidentRepository}); the interface keeps the store and the
 * REST layer free of SQL. Failures surface as {@link StoreException}.
 */
public interface IncidentRepository extends AutoCloseable {

    /**
     * Records alerts in one transaction: an incident alert upserts its incident (a resolved one
     * reopens), a signal alert joins its incident's timeline. Alerts already recorded (same alertId)
     * and alerts without an incident are skipped.
     *
     * @return what changed, one entry per incident touched, in the order it was last touched
     */
    List<IncidentChange> record(List<Alert> alerts);

    IncidentPage find(IncidentQuery query);

    Optional<IncidentSummary> summary(String incidentId);

    Optional<IncidentDetail> detail(String incidentId);

    /**
     * Sets an incident's triage status and records the step in its history.
     *
     * @param by   who did it
     * @param note optional, may be null
     * @return the incident after the change, or empty when there is no such incident
     */
    Optional<IncidentSummary> triage(String incidentId, TriageStatus status, String by, String note, Instant at);

    @Override
    void close();
}
