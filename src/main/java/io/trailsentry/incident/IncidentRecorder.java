package io.trailsentry.incident;

import io.trailsentry.alert.Alert;
import io.trailsentry.engine.Severity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;

import static io.trailsentry.incident.IncidentRows.KIND_INCIDENT;
import static io.trailsentry.incident.IncidentRows.clip;
import static io.trailsentry.incident.IncidentRows.joinStages;
import static io.trailsentry.incident.IncidentRows.millis;

/**
 * How an alert or a triage step changes the rows, inside the caller's transaction: an escalation
 * opens or updates its incident (a resolved one reopens), a signal joins its incident's timeline, a
 * replayed alert changes nothing. {@code SELECT … FOR UPDATE} where the writer and an analyst's
 * triage meet on one incident row.
 */
final class IncidentRecorder {

    private final IncidentRows rows;
    private final Clock clock;

    /** @param clock wall clock for triage and update times */
    IncidentRecorder(IncidentRows rows, Clock clock) {
        this.rows = rows;
        this.clock = clock;
    }

    /** @return the change to the incident, or null when nothing visible changed */
    String record(Connection c, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ts_incident_alert WHERE alert_id = ?")) {
            ps.setString(1, alert.alertId());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return null; // a replay of what is already recorded
                }
            }
        }
        String kind = IncidentRows.kind(alert);
        long detectedAt = millis(alert.window().detectedAt(), millis(alert.window().windowEnd(), 0));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ts_incident_alert (alert_id, incident_id, kind, rule_id, "
                + "rule_name, severity, score, stages, detected_at, event_count, alert_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, alert.alertId());
            ps.setString(2, alert.incident().incidentId());
            ps.setString(3, kind);
            ps.setString(4, clip(alert.rule().ruleId(), 128));
            ps.setString(5, clip(alert.rule().ruleName(), 512));
            ps.setString(6, clip(alert.rating().severity().name(), 16));
            ps.setInt(7, alert.score());
            ps.setString(8, clip(joinStages(alert.stages()), 512));
            ps.setLong(9, detectedAt);
            ps.setLong(10, alert.window().count());
            ps.setString(11, rows.alertJson(alert));
            ps.executeUpdate();
        }
        return KIND_INCIDENT.equals(kind) ? upsertIncident(c, alert, detectedAt) : joinSignal(c, alert, detectedAt);
    }

    /**
     * Sets an incident's status and adds the step to its history.
     *
     * @return false when there is no such incident (nothing written)
     */
    boolean triage(Connection c, String incidentId, TriageStatus status, String by, String note, long at) throws SQLException {
        if (lock(c, incidentId) == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE ts_incident SET status = ?, status_by = ?, status_at = ?, "
                + "status_note = ?, updated_at = ? WHERE incident_id = ?")) {
            ps.setString(1, status.wireName());
            ps.setString(2, clip(by, 256));
            ps.setLong(3, at);
            ps.setString(4, clip(note, JdbcIncidentRepository.NOTE_MAX));
            ps.setLong(5, clock.millis());
            ps.setString(6, incidentId);
            ps.executeUpdate();
        }
        insertTriage(c, incidentId, status, by, note, at);
        return true;
    }

    /** The part of an incident row the writer merges into, read under a row lock. */
    private record Current(TriageStatus status, long firstSeen, long lastSeen, long lastEscalation, Set<String> ips,
                           Set<String> unknownIps) {
    }

    private Current lock(Connection c, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, first_seen, last_seen, last_escalation, source_ips, "
                + "unknown_ips FROM ts_incident WHERE incident_id = ? FOR UPDATE")) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Current(TriageStatus.parse(rs.getString(1)), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        new TreeSet<>(rows.ips(rs.getString(5))), new TreeSet<>(rows.ips(rs.getString(6))));
            }
        }
    }

    private String upsertIncident(Connection c, Alert alert, long detectedAt) throws SQLException {
        Severity severity = alert.rating().severity();
        long firstSeen = millis(alert.window().windowStart(), detectedAt);
        long lastSeen = Math.max(detectedAt, millis(alert.window().windowEnd(), detectedAt));
        long now = clock.millis();
        Current current = lock(c, alert.incident().incidentId());
        if (current == null) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ts_incident (incident_id, severity, severity_rank, score, "
                    + "stages, actor_key, actor_name, upn_suffix, account_id, principal_arn, first_seen, last_seen, last_escalation, "
                    + "source_ips, unknown_ips, signal_count, escalations, status, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)")) {
                int i = 0;
                ps.setString(++i, alert.incident().incidentId());
                ps.setString(++i, severity.name());
                ps.setInt(++i, severity.ordinal());
                ps.setInt(++i, alert.score());
                ps.setString(++i, clip(joinStages(alert.stages()), 512));
                i = setActor(ps, i, alert);
                ps.setLong(++i, firstSeen);
                ps.setLong(++i, lastSeen);
                ps.setLong(++i, detectedAt);
                ps.setString(++i, rows.ipsJson(new TreeSet<>(), alert.evidence().sourceIps()));
                ps.setString(++i, rows.ipsJson(new TreeSet<>(), alert.evidence().unknownSourceIps()));
                ps.setInt(++i, signalsRecorded(c, alert.incident().incidentId()));
                ps.setString(++i, TriageStatus.OPEN.wireName());
                ps.setLong(++i, now);
                ps.setLong(++i, now);
                ps.executeUpdate();
            }
            return IncidentChange.CREATED;
        }
        boolean reopen = current.status() == TriageStatus.RESOLVED;
        // Escalations only go up, but alerts may reach the store out of order (a file replayed into a
        // running server): the latest escalation in event time decides what the row shows.
        boolean newest = detectedAt >= current.lastEscalation();
        StringBuilder sql = new StringBuilder("UPDATE ts_incident SET first_seen = ?, last_seen = ?, source_ips = ?, unknown_ips = ?, "
                + "escalations = escalations + 1, updated_at = ?");
        if (newest) {
            sql.append(", severity = ?, severity_rank = ?, score = ?, stages = ?, actor_key = ?, actor_name = ?, upn_suffix = ?, "
                    + "account_id = ?, principal_arn = ?, last_escalation = ?");
        }
        if (reopen) {
            sql.append(", status = ?, status_by = ?, status_at = ?, status_note = ?");
        }
        sql.append(" WHERE incident_id = ?");
        String reopenNote = "reopened: escalated to " + severity.name() + " (" + String.join(", ", alert.stages()) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 0;
            ps.setLong(++i, Math.min(current.firstSeen(), firstSeen));
            ps.setLong(++i, Math.max(current.lastSeen(), lastSeen));
            ps.setString(++i, rows.ipsJson(current.ips(), alert.evidence().sourceIps()));
            ps.setString(++i, rows.ipsJson(current.unknownIps(), alert.evidence().unknownSourceIps()));
            ps.setLong(++i, now);
            if (newest) {
                ps.setString(++i, severity.name());
                ps.setInt(++i, severity.ordinal());
                ps.setInt(++i, alert.score());
                ps.setString(++i, clip(joinStages(alert.stages()), 512));
                i = setActor(ps, i, alert);
                ps.setLong(++i, detectedAt);
            }
            if (reopen) {
                ps.setString(++i, TriageStatus.OPEN.wireName());
                ps.setString(++i, JdbcIncidentRepository.SYSTEM_ACTOR);
                ps.setLong(++i, now);
                ps.setString(++i, clip(reopenNote, JdbcIncidentRepository.NOTE_MAX));
            }
            ps.setString(++i, alert.incident().incidentId());
            ps.executeUpdate();
        }
        if (reopen) {
            insertTriage(c, alert.incident().incidentId(), TriageStatus.OPEN, JdbcIncidentRepository.SYSTEM_ACTOR, reopenNote, now);
            return IncidentChange.REOPENED;
        }
        return IncidentChange.ESCALATED;
    }

    private String joinSignal(Connection c, Alert alert, long detectedAt) throws SQLException {
        Current current = lock(c, alert.incident().incidentId());
        if (current == null) {
            // The scorer emits a first signal just before the incident alert that opens it; the
            // incident row counts it when it is created.
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE ts_incident SET last_seen = ?, source_ips = ?, unknown_ips = ?, "
                + "signal_count = signal_count + 1, updated_at = ? WHERE incident_id = ?")) {
            ps.setLong(1, Math.max(current.lastSeen(), detectedAt));
            ps.setString(2, rows.ipsJson(current.ips(), alert.evidence().sourceIps()));
            ps.setString(3, rows.ipsJson(current.unknownIps(), alert.evidence().unknownSourceIps()));
            ps.setLong(4, clock.millis());
            ps.setString(5, alert.incident().incidentId());
            ps.executeUpdate();
        }
        return IncidentChange.UPDATED;
    }

    private static int setActor(PreparedStatement ps, int i, Alert alert) throws SQLException {
        ps.setString(++i, clip(alert.actor().actorKey(), 2048));
        ps.setString(++i, clip(alert.actor().actorName() != null ? alert.actor().actorName() : alert.actor().name(), 1024));
        ps.setString(++i, clip(alert.actor().upnSuffix(), 512));
        ps.setString(++i, clip(alert.actor().accountId(), 64));
        ps.setString(++i, clip(alert.actor().principalArn(), 2048));
        return i;
    }

    private static int signalsRecorded(Connection c, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ts_incident_alert WHERE incident_id = ? AND kind <> ?")) {
            ps.setString(1, incidentId);
            ps.setString(2, KIND_INCIDENT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void insertTriage(Connection c, String incidentId, TriageStatus status, String by, String note, long at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ts_incident_triage (incident_id, status, actor, acted_at, note) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, incidentId);
            ps.setString(2, status.wireName());
            ps.setString(3, clip(by, 256));
            ps.setLong(4, at);
            if (note == null) {
                ps.setNull(5, Types.VARCHAR);
            } else {
                ps.setString(5, clip(note, JdbcIncidentRepository.NOTE_MAX));
            }
            ps.executeUpdate();
        }
    }
}
