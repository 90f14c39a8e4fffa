package io.trailsentry.incident;

import io.trailsentry.alert.Alert;
import io.trailsentry.engine.Severity;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The incident store over plain JDBC, one SQL text for H2 and PostgreSQL: connections, transactions
 * and failures here; the schema in {@link IncidentSchema} (Flyway migrations), what an alert or a
 * triage step writes in {@link IncidentRecorder}, the console's SQL in {@link IncidentQueries}, and
 * the columns' formats in {@link IncidentRows}.
 *
 * <p>Tables: {@code ts_incident} (one row per incident: the latest escalation's view plus triage
 * state, indexed for the console's filters), {@code ts_incident_alert} (every alert of an incident,
 * its JSON as the sinks received it) and {@code ts_incident_triage} (the triage history).
 */
public final class JdbcIncidentRepository implements IncidentRepository {

    /** Who reopens a resolved incident that escalates: the system, not an analyst. */
    public static final String SYSTEM_ACTOR = "trailsentry";
    public static final int NOTE_MAX = 2000;
    /** When one batch touches an incident twice, the stream reports the strongest change. */
    private static final List<String> CHANGE_STRENGTH = List.of(IncidentChange.UPDATED, IncidentChange.ESCALATED,
            IncidentChange.REOPENED, IncidentChange.CREATED);

    private final DataSource dataSource;
    private final AutoCloseable pool;
    private final IncidentRows rows = new IncidentRows();
    private final IncidentRecorder recorder;
    private final IncidentSchema.Outcome schema;

    /**
     * Brings the schema to the latest version first ({@link IncidentSchema}).
     *
     * @param pool  closed with the repository (the connection pool), or null
     * @param clock wall clock for triage and update times
     * @throws StoreException when the schema cannot be brought up to date, naming the failing migration
     */
    public JdbcIncidentRepository(DataSource dataSource, AutoCloseable pool, Clock clock) {
        this.dataSource = dataSource;
        this.pool = pool;
        this.recorder = new IncidentRecorder(rows, clock);
        this.schema = IncidentSchema.migrate(dataSource);
    }

    /** What opening did to the schema: its version now, migrations applied, whether a database made before migrations was adopted. */
    IncidentSchema.Outcome schema() {
        return schema;
    }

    // ---------------------------------------------------------------- writing

    @Override
    public List<IncidentChange> record(List<Alert> alerts) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, String> changes = new LinkedHashMap<>();
                for (Alert alert : alerts) {
                    String change = alert.incident().incidentId() == null ? null : recorder.record(c, alert);
                    if (change != null) {
                        String before = changes.remove(alert.incident().incidentId());
                        changes.put(alert.incident().incidentId(), before != null
                                && CHANGE_STRENGTH.indexOf(before) > CHANGE_STRENGTH.indexOf(change) ? before : change);
                    }
                }
                List<IncidentChange> out = new ArrayList<>(changes.size());
                for (Map.Entry<String, String> e : changes.entrySet()) {
                    summary(c, e.getKey()).ifPresent(s -> out.add(new IncidentChange(e.getValue(), s)));
                }
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot record " + alerts.size() + " alert(s)", e);
        }
    }

    @Override
    public Optional<IncidentSummary> triage(String incidentId, TriageStatus status, String by, String note, Instant at) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!recorder.triage(c, incidentId, status, by, note, at.toEpochMilli())) {
                    c.rollback();
                    return Optional.empty();
                }
                Optional<IncidentSummary> after = summary(c, incidentId);
                c.commit();
                return after;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot set the status of incident " + incidentId, e);
        }
    }

    // ---------------------------------------------------------------- reading

    @Override
    public IncidentPage find(IncidentQuery q) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            List<IncidentSummary> items = new ArrayList<>(q.size());
            IncidentQueries.Sql page = IncidentQueries.page(q);
            try (PreparedStatement ps = c.prepareStatement(page.text())) {
                page.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(rows.summary(rs));
                    }
                }
            }
            long total = count(c, IncidentQueries.total(q));
            Map<String, Long> bySeverity = new LinkedHashMap<>();
            List<Severity> descending = Arrays.asList(Severity.values());
            Collections.reverse(descending);
            descending.forEach(s -> bySeverity.put(s.name(), 0L));
            countBy(c, IncidentQueries.countBySeverity(q), bySeverity);
            Map<String, Long> byStatus = new LinkedHashMap<>();
            for (TriageStatus s : TriageStatus.values()) {
                byStatus.put(s.wireName(), 0L);
            }
            countBy(c, IncidentQueries.countByStatus(q), byStatus);
            return new IncidentPage(items, q.page(), q.size(), total, bySeverity, byStatus, List.of(), List.of());
        } catch (SQLException e) {
            throw new StoreException("cannot list incidents", e);
        }
    }

    private static long count(Connection c, IncidentQueries.Sql sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            sql.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void countBy(Connection c, IncidentQueries.Sql sql, Map<String, Long> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            sql.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
    }

    @Override
    public Optional<IncidentSummary> summary(String incidentId) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return summary(c, incidentId);
        } catch (SQLException e) {
            throw new StoreException("cannot read incident " + incidentId, e);
        }
    }

    private Optional<IncidentSummary> summary(Connection c, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IncidentQueries.SUMMARY)) {
            ps.setString(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rows.summary(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<IncidentDetail> detail(String incidentId) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // one snapshot for the summary and its alerts
            try {
                Optional<IncidentSummary> summary = summary(c, incidentId);
                Optional<IncidentDetail> detail = summary.isEmpty() ? Optional.empty() : Optional.of(detail(c, summary.get()));
                c.commit();
                return detail;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read incident " + incidentId, e);
        }
    }

    private IncidentDetail detail(Connection c, IncidentSummary summary) throws SQLException {
        String id = summary.incidentId();
        long openingSeq = -1;
        try (PreparedStatement ps = statement(c, IncidentQueries.OPENING_ESCALATION, id, IncidentRows.KIND_INCIDENT);
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                openingSeq = rs.getLong(1);
            }
        }
        List<IncidentDetail.TimelineEntry> timeline = new ArrayList<>();
        try (PreparedStatement ps = statement(c, IncidentQueries.TIMELINE, id, IncidentDetail.TIMELINE_CAP);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                timeline.add(rows.timelineEntry(rs, openingSeq));
            }
        }
        Collections.reverse(timeline);
        long alertCount = count(c, new IncidentQueries.Sql(IncidentQueries.ALERT_COUNT, List.of(id)));
        List<IncidentDetail.RawAlert> raw = new ArrayList<>();
        try (PreparedStatement ps = statement(c, IncidentQueries.RECENT_ALERTS, id, IncidentDetail.ALERT_CAP);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                raw.add(rows.rawAlert(rs));
            }
        }
        String latest = null;
        try (PreparedStatement ps = statement(c, IncidentQueries.LATEST_ESCALATION, id, IncidentRows.KIND_INCIDENT);
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                latest = rs.getString(1);
            }
        }
        List<IncidentDetail.TriageAction> history = new ArrayList<>();
        try (PreparedStatement ps = statement(c, IncidentQueries.TRIAGE_HISTORY, id); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                history.add(rows.triageAction(rs));
            }
        }
        return rows.detail(summary, latest, timeline, raw, history, alertCount);
    }

    private static PreparedStatement statement(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            new IncidentQueries.Sql(sql, List.of(params)).bind(ps);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it, and the caller reports the first failure
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            try {
                pool.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the incident database: " + e.getMessage(), e);
            }
        }
    }
}
