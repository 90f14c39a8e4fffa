package io.trailsentry.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.scoring.EvidenceEvent;
import io.trailsentry.scoring.Incident;
import io.trailsentry.scoring.ScoreItem;

import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the store's values sit in its columns, both ways: rows and alert JSON into the console's
 * records, and the encodings the writer uses (stages as {@code ,a,b,}, IP sets as JSON arrays, times
 * as epoch milliseconds, each alert's JSON as the sinks received it).
 */
final class IncidentRows {

    /** {@code ts_incident_alert.kind}: an escalation of the incident. */
    static final String KIND_INCIDENT = "incident";
    /** {@code ts_incident_alert.kind}: a signal of an alerting rule. */
    static final String KIND_SIGNAL = "signal";
    /** {@code ts_incident_alert.kind}: a signal of a rule that only feeds incidents, in the timeline marked so. */
    static final String KIND_BUILDING_BLOCK = "building_block";
    /** Source IPs kept per incident; a spray from thousands of addresses keeps the first thousand. */
    static final int IP_CAP = 1000;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final ObjectMapper json = AlertJson.mapper();

    // ---------------------------------------------------------------- rows → records

    /** A row of {@link IncidentQueries#SUMMARY_COLUMNS}. */
    IncidentSummary summary(ResultSet rs) throws SQLException {
        Set<String> unknown = new TreeSet<>(ips(rs.getString("unknown_ips")));
        List<SourceIp> ips = ips(rs.getString("source_ips")).stream().map(ip -> new SourceIp(ip, unknown.contains(ip))).toList();
        long statusAt = rs.getLong("status_at");
        boolean triaged = !rs.wasNull();
        return new IncidentSummary(rs.getString("incident_id"), rs.getString("severity"), rs.getInt("score"),
                splitStages(rs.getString("stages")), rs.getString("actor_key"), rs.getString("actor_name"),
                rs.getString("upn_suffix"), rs.getString("account_id"), rs.getString("principal_arn"),
                Instant.ofEpochMilli(rs.getLong("first_seen")), Instant.ofEpochMilli(rs.getLong("last_seen")), ips,
                rs.getInt("signal_count"), rs.getInt("escalations"), TriageStatus.parse(rs.getString("status")),
                rs.getString("status_by"), triaged ? Instant.ofEpochMilli(statusAt) : null, rs.getString("status_note"),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    /**
     * A row of {@link IncidentQueries#TIMELINE}: a signal under its rule's name, an escalation titled
     * with what it reached ("opened as" for the incident's first one, {@code openingSeq}).
     */
    IncidentDetail.TimelineEntry timelineEntry(ResultSet rs, long openingSeq) throws SQLException {
        boolean escalation = KIND_INCIDENT.equals(rs.getString("kind"));
        List<String> stages = splitStages(rs.getString("stages"));
        String title = !escalation ? rs.getString("rule_name")
                : (rs.getLong("seq") == openingSeq ? "opened as " : "escalated to ") + rs.getString("severity") + ": "
                + String.join(" → ", stages);
        return new IncidentDetail.TimelineEntry(Instant.ofEpochMilli(rs.getLong("detected_at")),
                escalation ? "escalation" : rs.getString("kind"), rs.getString("alert_id"), title, rs.getString("severity"),
                rs.getInt("score"), stages, rs.getLong("event_count"));
    }

    /** A row of {@link IncidentQueries#RECENT_ALERTS}. */
    IncidentDetail.RawAlert rawAlert(ResultSet rs) throws SQLException {
        return new IncidentDetail.RawAlert(rs.getString("alert_id"), rs.getString("kind"),
                Instant.ofEpochMilli(rs.getLong("detected_at")), parse(rs.getString("alert_json")));
    }

    /** A row of {@link IncidentQueries#TRIAGE_HISTORY}. */
    IncidentDetail.TriageAction triageAction(ResultSet rs) throws SQLException {
        return new IncidentDetail.TriageAction(TriageStatus.parse(rs.getString("status")), rs.getString("actor"),
                Instant.ofEpochMilli(rs.getLong("acted_at")), rs.getString("note"));
    }

    /**
     * The detail page: what the latest escalation's JSON says (contexts, breakdown, signals, linked
     * identities) beside the rows read for it.
     *
     * @param latest the latest escalation's alert JSON, or null when the incident has none stored
     */
    IncidentDetail detail(IncidentSummary summary, String latest, List<IncidentDetail.TimelineEntry> timeline,
                          List<IncidentDetail.RawAlert> raw, List<IncidentDetail.TriageAction> history, long alertCount) {
        JsonNode escalation = latest == null ? null : parse(latest);
        List<Incident.SignalRef> signals = escalation == null ? List.of() : listOf(escalation.get("signals"), Incident.SignalRef.class);
        return new IncidentDetail(summary,
                escalation == null ? List.of() : listOf(escalation.get("contexts"), String.class),
                escalation == null ? List.of() : listOf(escalation.get("scoreBreakdown"), ScoreItem.class),
                signals, timeline, evidence(escalation, raw),
                escalation == null ? List.of() : linkedIdentities(listOf(escalation.get("linkedIdentities"), String.class), signals),
                history, raw, alertCount);
    }

    /** The events behind the latest escalation and the recent alerts, one row per eventID, oldest first. */
    private List<EvidenceEvent> evidence(JsonNode latest, List<IncidentDetail.RawAlert> raw) {
        Map<String, EvidenceEvent> byId = new LinkedHashMap<>();
        List<JsonNode> sources = new ArrayList<>();
        if (latest != null) {
            sources.add(latest);
        }
        raw.forEach(r -> sources.add(r.alert()));
        for (JsonNode alert : sources) {
            for (EvidenceEvent e : listOf(alert.get("evidenceEvents"), EvidenceEvent.class)) {
                if (e.eventId() != null) {
                    byId.putIfAbsent(e.eventId(), e);
                }
            }
        }
        return byId.values().stream()
                .sorted(Comparator.comparing(EvidenceEvent::eventTime, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(EvidenceEvent::eventId))
                .limit(IncidentDetail.EVIDENCE_CAP).toList();
    }

    static List<IncidentDetail.LinkedIdentity> linkedIdentities(List<String> ids, List<Incident.SignalRef> signals) {
        List<IncidentDetail.LinkedIdentity> out = new ArrayList<>();
        for (String id : ids) {
            String type = id.startsWith("arn:") && id.contains(":user/") ? "user"
                    : id.matches("(AKIA|ASIA)[A-Z0-9]{12,}") ? "access_key" : "identity";
            List<String> raised = signals.stream().filter(s -> id.equals(s.linkedIdentity())).map(Incident.SignalRef::ruleName)
                    .distinct().toList();
            out.add(new IncidentDetail.LinkedIdentity(id, type, raised));
        }
        return out;
    }

    // ---------------------------------------------------------------- values → columns

    /** {@code ts_incident_alert.kind} of an alert. */
    static String kind(Alert alert) {
        return Alert.INCIDENT_RULE_ID.equals(alert.rule().ruleId()) ? KIND_INCIDENT
                : alert.rule().buildingBlock() ? KIND_BUILDING_BLOCK : KIND_SIGNAL;
    }

    String alertJson(Alert alert) {
        try {
            return json.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise alert " + alert.alertId(), e);
        }
    }

    /** A stored IP set ({@code source_ips}, {@code unknown_ips}). */
    List<String> ips(String text) {
        try {
            return text == null || text.isEmpty() ? List.of() : json.readValue(text, STRINGS);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("stored IP list is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code current} plus {@code more}, sorted, at most {@link #IP_CAP}, as the column holds it. */
    String ipsJson(Set<String> current, List<String> more) {
        Set<String> merged = new TreeSet<>(current);
        if (more != null) {
            for (String ip : more) {
                if (ip != null && merged.size() < IP_CAP) {
                    merged.add(clip(ip, 256));
                }
            }
        }
        try {
            return json.writeValueAsString(merged);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ,discovery,persistence,}: commas at both ends so {@code LIKE '%,stage,%'} matches whole names. */
    static String joinStages(List<String> stages) {
        return stages == null || stages.isEmpty() ? "," : "," + String.join(",", stages) + ",";
    }

    static List<String> splitStages(String stored) {
        return stored == null ? List.of() : Arrays.stream(stored.split(",")).filter(s -> !s.isEmpty()).toList();
    }

    static long millis(Instant t, long fallback) {
        return t == null ? fallback : t.toEpochMilli();
    }

    /** Values longer than their column are cut rather than failing the alert (the alert JSON keeps them whole). */
    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    // ---------------------------------------------------------------- JSON

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("stored alert is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> List<T> listOf(JsonNode node, Class<T> type) {
        if (node == null || !node.isArray()) {
            return List.of();
        }
        List<T> out = new ArrayList<>(node.size());
        try {
            for (JsonNode item : node) {
                out.add(json.treeToValue(item, type));
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("stored alert does not match " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
        return out;
    }
}
