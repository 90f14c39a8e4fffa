package io.trailsentry.alert;

import io.trailsentry.engine.Mitre;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.scoring.EvidenceEvent;
import io.trailsentry.scoring.Incident;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns a rule hit into alerts: the sets of the summarize step, the principal name split, one
 * alert per source IP where the rule asks for it (KQL {@code mv-expand}), and the display name,
 * description and custom details from the rule's own templates.
 */
public final class AlertFactory {

    /** Evidence eventIDs kept per alert: enough to pivot in a SIEM, small enough for a webhook. */
    public static final int EVIDENCE_CAP = 100;

    public List<Alert> create(RuleHit hit) {
        return create(hit, null);
    }

    /** @param incidentId the incident the scorer put this hit in, or null */
    public List<Alert> create(RuleHit hit, String incidentId) {
        RuleMetadata rule = hit.rule();
        List<CloudTrailEvent> events = hit.events();
        List<String> sourceIps = distinct(events, CloudTrailEvent::getSourceIPAddress);
        PrincipalName principal = PrincipalName.of(hit.principalId());
        List<String> evidence = events.stream().map(CloudTrailEvent::getEventID)
                .filter(id -> id != null).limit(EVIDENCE_CAP).toList();
        Mitre mitre = rule.mitre();
        List<String> contexts = contextsOf(events);
        CloudTrailEvent actorEvent = events.stream().filter(e -> e.getActorKey() != null).findFirst().orElse(null);
        List<String> accessKeys = distinct(events, CloudTrailEvent::getAccessKeyId);
        List<EvidenceEvent> evidenceEvents = events.stream().filter(e -> e.getEventID() != null).limit(EVIDENCE_CAP)
                .map(EvidenceEvent::of).toList();
        List<String> unknownIps = distinct(events.stream().filter(CloudTrailEvent::isUnknownIp).toList(),
                CloudTrailEvent::getSourceIPAddress);

        List<String> expandedIps = "sourceIps".equals(rule.tag("expand")) && !sourceIps.isEmpty()
                ? sourceIps : java.util.Collections.singletonList(null);
        List<Alert> alerts = new ArrayList<>(expandedIps.size());
        for (String sourceIp : expandedIps) {
            Map<String, Object> fields = new HashMap<>();
            fields.put("count", hit.count());
            fields.put("principalId", hit.principalId());
            fields.put("principalArn", hit.principalArn());
            fields.put("accountId", hit.accountId());
            fields.put("userName", principal.userName());
            fields.put("name", principal.name());
            fields.put("upnSuffix", principal.upnSuffix());
            fields.put("sourceIp", sourceIp);
            fields.put("ruleName", rule.name());
            fields.put("actorName", actorEvent == null ? hit.principalId() : actorEvent.getActorName());
            fields.put("actorKey", actorEvent == null ? null : actorEvent.getActorKey());
            fields.put("eventNames", String.join(", ", distinct(events, CloudTrailEvent::getEventName)));
            fields.put("sourceIps", String.join(", ", sourceIps));
            fields.put("windowStart", Instant.ofEpochMilli(hit.windowStart()));
            fields.put("windowEnd", Instant.ofEpochMilli(hit.windowEnd()));
            fields.putAll(hit.columns());

            List<Alert.Entity> entities = new ArrayList<>();
            entities.add(Alert.Entity.account(principal.name(), principal.upnSuffix(), hit.accountId(), hit.principalArn()));
            for (String ip : sourceIp == null ? sourceIps : List.of(sourceIp)) {
                entities.add(Alert.Entity.ip(ip));
            }
            alerts.add(new Alert(
                    alertId(rule.id(), hit, sourceIp),
                    rule.id(),
                    rule.name(),
                    rule.version(),
                    rule.severity().name(),
                    rule.severity().baseScore(),
                    rule.stages(),
                    new Alert.MitreRef(mitre.tacticId(), mitre.tactic(), mitre.techniqueId()),
                    hit.principalId(),
                    hit.principalArn(),
                    hit.accountId(),
                    principal.userName(),
                    principal.name(),
                    principal.upnSuffix(),
                    Instant.ofEpochMilli(hit.windowStart()),
                    Instant.ofEpochMilli(hit.windowEnd()),
                    hit.count(),
                    sourceIp,
                    sourceIps,
                    distinct(events, CloudTrailEvent::getEventName),
                    distinct(events, CloudTrailEvent::getErrorCode),
                    distinct(events, CloudTrailEvent::getErrorMessage),
                    distinct(events, CloudTrailEvent::getAwsRegion),
                    distinct(events, CloudTrailEvent::getUserAgent),
                    contexts,
                    render(rule.tag("displayName"), fields, rule.name() + " - " + hit.principalId()),
                    render(rule.tag("descriptionFormat"), fields, rule.description()),
                    evidence,
                    entities,
                    customDetails(rule.tag("customDetails"), fields),
                    Instant.ofEpochMilli(hit.engineTime()),
                    actorEvent == null ? null : actorEvent.getActorKey(),
                    actorEvent == null ? null : actorEvent.getActorName(),
                    accessKeys,
                    incidentId,
                    null,
                    null,
                    null,
                    evidenceEvents,
                    unknownIps));
        }
        return alerts;
    }

    /**
     * An incident alert: the same format, with the incident's stages, severity, score and its
     * breakdown, contributing signals and evidence. Its id changes with each escalation (severity
     * and stages), so every escalation is one alert and a replay repeats none.
     */
    public Alert incident(Incident incident) {
        String key = String.join("|", Alert.INCIDENT_RULE_ID, incident.incidentId(), incident.severity().name(),
                String.join(",", incident.stages()));
        String alertId = UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
        PrincipalName principal = PrincipalName.of(incident.principalId());
        String top = incident.stages().isEmpty() ? "" : incident.stages().get(incident.stages().size() - 1);
        Mitre mitre = STAGE_TACTICS.getOrDefault(top, STAGE_TACTICS.get("discovery"));
        String display = incident.severity() + " incident: " + incident.actorName() + " reached " + String.join(" → ", incident.stages());
        String description = "Actor " + incident.actorName() + " (" + incident.actorKey() + ") reached stage(s) "
                + String.join(", ", incident.stages()) + " with " + incident.signals().size() + " signal(s); score "
                + incident.score() + " (" + incident.breakdown().stream().map(i -> i.name() + " " + (i.points() >= 0 ? "+" : "") + i.points())
                .reduce((a, b) -> a + ", " + b).orElse("") + ").";
        List<Alert.Entity> entities = new ArrayList<>();
        entities.add(Alert.Entity.account(principal.name() != null ? principal.name() : incident.actorName(), principal.upnSuffix(),
                incident.accountId(), incident.principalArn()));
        incident.sourceIps().forEach(ip -> entities.add(Alert.Entity.ip(ip)));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("IncidentId", incident.incidentId());
        details.put("Signals", incident.signals().size());
        return new Alert(alertId, Alert.INCIDENT_RULE_ID, "Attack progression incident", "1", incident.severity().name(),
                incident.score(), incident.stages(), new Alert.MitreRef(mitre.tacticId(), mitre.tactic(), mitre.techniqueId()),
                incident.principalId(), incident.principalArn(), incident.accountId(), principal.userName(),
                principal.name() != null ? principal.name() : incident.actorName(), principal.upnSuffix(),
                incident.firstSeen(), incident.lastSeen(),
                incident.signals().stream().mapToLong(Incident.SignalRef::count).sum(), null, incident.sourceIps(),
                incident.signals().stream().map(Incident.SignalRef::ruleName).distinct().sorted().toList(),
                List.of(), List.of(), List.of(), List.of(), incident.contexts(), display, description,
                incident.evidence().stream().limit(EVIDENCE_CAP).toList(), entities, details, incident.lastSeen(),
                incident.actorKey(), incident.actorName(), List.copyOf(new TreeSet<>(incident.accessKeyIds())),
                incident.incidentId(), incident.breakdown(), incident.signals(), List.copyOf(new TreeSet<>(incident.linkedIdentities())),
                incident.evidenceEvents().stream().limit(EVIDENCE_CAP).toList(), incident.unknownSourceIps());
    }

    /**
     * The MITRE tactic of an attack stage (with the technique incident alerts name for it), or empty
     * for a stage the ladder does not know. Sinks that list every stage an incident reached use it.
     */
    public static java.util.Optional<Mitre> tacticOfStage(String stage) {
        return java.util.Optional.ofNullable(STAGE_TACTICS.get(stage));
    }

    /** The tactic an incident alert names: the one of the furthest stage it reached. */
    private static final Map<String, Mitre> STAGE_TACTICS = Map.ofEntries(
            Map.entry("initial_access", Mitre.parse("TA0001:T1078.004")),
            Map.entry("discovery", Mitre.parse("TA0007:T1580")),
            Map.entry("execution", Mitre.parse("TA0002:T1651")),
            Map.entry("privilege_escalation", Mitre.parse("TA0004:T1098.003")),
            Map.entry("persistence", Mitre.parse("TA0003:T1136.003")),
            Map.entry("credential_access", Mitre.parse("TA0006:T1552.005")),
            Map.entry("lateral_movement", Mitre.parse("TA0008:T1021.004")),
            Map.entry("collection", Mitre.parse("TA0009:T1530")),
            Map.entry("exfiltration", Mitre.parse("TA0010:T1537")),
            Map.entry("defense_evasion", Mitre.parse("TA0005:T1562.008")),
            Map.entry("impact", Mitre.parse("TA0040:T1496")));

    /** Contexts that held for any evidence event, in a fixed order. */
    static List<String> contextsOf(List<CloudTrailEvent> events) {
        TreeSet<String> contexts = new TreeSet<>();
        for (CloudTrailEvent e : events) {
            contexts.addAll(e.getContexts());
        }
        return List.copyOf(contexts);
    }

    /**
     * Name-based UUID over what identifies an alert, never over when it was processed, so replaying
     * the same input produces the same ids and a sink can drop what it already wrote.
     */
    static String alertId(String ruleId, RuleHit hit, String expandedValue) {
        String key = String.join("|", ruleId, String.valueOf(hit.principalId()), String.valueOf(hit.principalArn()),
                String.valueOf(hit.accountId()), Long.toString(hit.windowStart()), Long.toString(hit.windowEnd()),
                String.valueOf(expandedValue));
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** make_set: distinct non-empty values, sorted so the output does not depend on arrival order. */
    private static List<String> distinct(List<CloudTrailEvent> events, Function<CloudTrailEvent, String> field) {
        TreeSet<String> values = new TreeSet<>();
        for (CloudTrailEvent e : events) {
            String v = field.apply(e);
            if (v != null && !v.isEmpty()) {
                values.add(v);
            }
        }
        return List.copyOf(values);
    }

    /** Replaces {@code {field}} with the field's value; an unknown field is left as written so the mistake shows. */
    static String render(String template, Map<String, Object> fields, String fallback) {
        if (template == null || template.isBlank()) {
            return fallback;
        }
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (open < 0 || close < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            String key = template.substring(open + 1, close);
            if (fields.containsKey(key)) {
                out.append(fields.get(key));
            } else {
                out.append(template, open, close + 1);
            }
            i = close + 1;
        }
        return out.toString();
    }

    /** {@code EventCount=count,AWSAccountId=accountId} → {EventCount: 64, AWSAccountId: "1234…"}. */
    static Map<String, Object> customDetails(String spec, Map<String, Object> fields) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return details;
        }
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                details.put(pair.substring(0, eq).trim(), fields.get(pair.substring(eq + 1).trim()));
            }
        }
        return details;
    }
}
