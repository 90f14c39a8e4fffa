package io.trailsentry.incident;

import io.trailsentry.engine.Severity;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The SQL the console reads with: the incident list's filters, sort, paging and filter-bar counts,
 * and the detail page's lookups. One text for H2 and PostgreSQL ({@code LIMIT … OFFSET}); every
 * value a user chose is a parameter, never spliced into the text.
 */
final class IncidentQueries {

    /** A statement and its parameters in order. */
    record Sql(String text, List<Object> params) {

        Sql {
            params = List.copyOf(params);
        }

        void bind(PreparedStatement ps) throws SQLException {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof Integer n) {
                    ps.setInt(i + 1, n);
                } else if (p instanceof Long n) {
                    ps.setLong(i + 1, n);
                } else {
                    ps.setString(i + 1, (String) p);
                }
            }
        }
    }

    /** The columns {@link IncidentRows#summary} reads. */
    static final String SUMMARY_COLUMNS = "incident_id, severity, score, stages, actor_key, actor_name, upn_suffix, "
            + "account_id, principal_arn, first_seen, last_seen, source_ips, unknown_ips, signal_count, escalations, status, "
            + "status_by, status_at, status_note, updated_at";

    static final String SUMMARY = "SELECT " + SUMMARY_COLUMNS + " FROM ts_incident WHERE incident_id = ?";

    // The detail page, each with the incident id as its first parameter.
    /** The incident's first escalation (titled "opened as"); second parameter {@link IncidentRows#KIND_INCIDENT}. */
    static final String OPENING_ESCALATION = "SELECT MIN(seq) FROM ts_incident_alert WHERE incident_id = ? AND kind = ?";
    /** Newest first, at most the second parameter; the caller reverses them. */
    static final String TIMELINE = "SELECT alert_id, kind, rule_name, severity, score, stages, detected_at, event_count, seq "
            + "FROM ts_incident_alert WHERE incident_id = ? ORDER BY detected_at DESC, seq DESC LIMIT ?";
    static final String ALERT_COUNT = "SELECT COUNT(*) FROM ts_incident_alert WHERE incident_id = ?";
    /** The most recently recorded alerts, at most the second parameter. */
    static final String RECENT_ALERTS = "SELECT alert_id, kind, detected_at, alert_json FROM ts_incident_alert "
            + "WHERE incident_id = ? ORDER BY seq DESC LIMIT ?";
    /** The latest escalation in event time; second parameter {@link IncidentRows#KIND_INCIDENT}. */
    static final String LATEST_ESCALATION = "SELECT alert_json FROM ts_incident_alert WHERE incident_id = ? AND kind = ? "
            + "ORDER BY detected_at DESC, seq DESC LIMIT 1";
    static final String TRIAGE_HISTORY = "SELECT status, actor, acted_at, note FROM ts_incident_triage "
            + "WHERE incident_id = ? ORDER BY acted_at, seq";

    private IncidentQueries() {
    }

    /** The rows of one page, sorted as asked, with a stable tie-break so pages neither overlap nor skip. */
    static Sql page(IncidentQuery q) {
        Sql where = where(q, true, true);
        String order = q.sort() == IncidentQuery.Sort.LAST_SEEN
                ? " ORDER BY last_seen DESC, incident_id"
                : " ORDER BY severity_rank DESC, last_seen DESC, incident_id";
        List<Object> params = new ArrayList<>(where.params());
        params.add(q.size());
        params.add((long) q.page() * q.size());
        return new Sql("SELECT " + SUMMARY_COLUMNS + " FROM ts_incident" + where.text() + order + " LIMIT ? OFFSET ?", params);
    }

    /** How many incidents match every filter. */
    static Sql total(IncidentQuery q) {
        Sql where = where(q, true, true);
        return new Sql("SELECT COUNT(*) FROM ts_incident" + where.text(), where.params());
    }

    /** The filter bar's severity counts: every filter but severity, so the other severities show what choosing them gives. */
    static Sql countBySeverity(IncidentQuery q) {
        return countBy("severity", where(q, false, true));
    }

    /** The filter bar's status counts: every filter but status. */
    static Sql countByStatus(IncidentQuery q) {
        return countBy("status", where(q, true, false));
    }

    private static Sql countBy(String column, Sql where) {
        return new Sql("SELECT " + column + ", COUNT(*) FROM ts_incident" + where.text() + " GROUP BY " + column, where.params());
    }

    /** The query's conditions, with or without its severity and status filters. */
    static Sql where(IncidentQuery q, boolean withSeverity, boolean withStatus) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (withSeverity && !q.severities().isEmpty()) {
            List<Severity> sorted = q.severities().stream().sorted().toList();
            conditions.add("severity_rank IN (" + String.join(", ", Collections.nCopies(sorted.size(), "?")) + ")");
            sorted.forEach(s -> params.add(s.ordinal()));
        }
        if (q.stage() != null) {
            conditions.add("stages LIKE ? ESCAPE '!'");
            params.add("%," + q.stage().replace("!", "!!").replace("_", "!_").replace("%", "!%") + ",%");
        }
        if (q.account() != null) {
            conditions.add("account_id = ?");
            params.add(q.account());
        }
        if (withStatus && q.status() != null) {
            conditions.add("status = ?");
            params.add(q.status().wireName());
        }
        if (q.from() != null) {
            conditions.add("last_seen >= ?");
            params.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            conditions.add("first_seen < ?");
            params.add(q.to().toEpochMilli());
        }
        return new Sql(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
    }
}
