package io.trailsentry.alert;

import io.trailsentry.context.StageCatalog;
import io.trailsentry.engine.Mitre;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.scoring.AdjustedSeverity;
import io.trailsentry.scoring.EvidenceEvent;
import io.trailsentry.scoring.Incident;
import io.trailsentry.scoring.Signal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns a rule hit into alerts: the sets of the summarize step, the principal name split, one
 * alert per source IP where the rule asks for it (KQL {@code mv-expand}), and the display name,
 * description and custom details from the rule's own templates.
 */
public final class AlertFactory {

    /** Evidence eventIDs kept per alert: enough to pivot in a SIEM, small enough for a webhook. */
    public static final int EVIDENCE_CAP = 100;

    /** A signal's alerts: one, or one per source IP for a rule that expands (KQL {@code mv-expand}). */
    public List<Alert> create(Signal signal) {
        return create(signal, null);
    }

    /** @param incidentId the incident the scorer put this signal in, or null */
    public List<Alert> create(Signal signal, String incidentId) {
        RuleHit hit = signal.hit();
        RuleMetadata rule = hit.rule();
        List<CloudTrailEvent> events = hit.events();
        List<String> sourceIps = distinct(events, CloudTrailEvent::getSourceIPAddress);
        PrincipalName principal = PrincipalName.of(hit.principalId());
        List<String> eventIds = events.stream().map(CloudTrailEvent::getEventID)
                .filter(id -> id != null).limit(EVIDENCE_CAP).toList();
        Mitre mitre = rule.mitre();
        CloudTrailEvent actorEvent = events.stream().filter(e -> e.getActorKey() != null).findFirst().orElse(null);
        List<EvidenceEvent> evidenceEvents = events.stream().filter(e -> e.getEventID() != null).limit(EVIDENCE_CAP)
                .map(EvidenceEvent::of).toList();
        List<String> unknownIps = distinct(events.stream().filter(CloudTrailEvent::isUnknownIp).toList(),
                CloudTrailEvent::getSourceIPAddress);
        AdjustedSeverity severity = signal.severity();
        Alert.Actor actor = new Alert.Actor(hit.principalId(), hit.principalArn(), hit.accountId(), principal.userName(),
                principal.name(), principal.upnSuffix(), actorEvent == null ? null : actorEvent.getActorKey(),
                actorEvent == null ? null : actorEvent.getActorName(), distinct(events, CloudTrailEvent::getAccessKeyId));
        Alert.Window window = new Alert.Window(Instant.ofEpochMilli(hit.windowStart()), Instant.ofEpochMilli(hit.windowEnd()),
                hit.count(), Instant.ofEpochMilli(hit.engineTime()));

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
            fields.put("actorKey", actor.actorKey());
            fields.put("eventNames", String.join(", ", distinct(events, CloudTrailEvent::getEventName)));
            fields.put("sourceIps", String.join(", ", sourceIps));
            fields.put("windowStart", window.windowStart());
            fields.put("windowEnd", window.windowEnd());
            fields.put("severity", severity.severity());
            fields.putAll(hit.columns());

            List<Alert.Entity> entities = new ArrayList<>();
            entities.add(Alert.Entity.account(principal.name(), principal.upnSuffix(), hit.accountId(), hit.principalArn()));
            for (String ip : sourceIp == null ? sourceIps : List.of(sourceIp)) {
                entities.add(Alert.Entity.ip(ip));
            }
            Alert.Evidence evidence = new Alert.Evidence(sourceIp, sourceIps, unknownIps,
                    distinct(events, CloudTrailEvent::getEventName), distinct(events, CloudTrailEvent::getErrorCode),
                    distinct(events, CloudTrailEvent::getErrorMessage), distinct(events, CloudTrailEvent::getAwsRegion),
                    distinct(events, CloudTrailEvent::getUserAgent), signal.context().contexts(), eventIds, evidenceEvents,
                    entities, customDetails(rule.tag("customDetails"), fields));
            alerts.add(new Alert(
                    AlertIds.signal(hit, sourceIp),
                    new Alert.RuleRef(rule.id(), rule.name(), rule.version(), rule.buildingBlock(), rule.falsePositives()),
                    new Alert.Rating(severity.severity(), severity.base(), severity.reason(), severity.suppressed()),
                    severity.severity().baseScore(),
                    rule.stages(),
                    new Alert.MitreRef(mitre.tacticId(), mitre.tactic(), mitre.techniqueId()),
                    actor,
                    window,
                    evidence,
                    render(rule.tag("displayName"), fields, rule.name() + " - " + hit.principalId()),
                    render(rule.tag("descriptionFormat"), fields, rule.description()),
                    Alert.IncidentRef.of(incidentId)));
        }
        return alerts;
    }

    /**
     * An incident alert: the same format, with the incident's stages, severity, score and its
     * breakdown, contributing signals and evidence. Its id changes with each escalation (severity
     * and stages), so every escalation is one alert and a replay repeats none.
     *
     * @param stages the stage vocabulary: the tactic of each stage reached
     */
    public Alert incident(Incident incident, StageCatalog stages) {
        PrincipalName principal = PrincipalName.of(incident.principalId());
        List<Alert.MitreRef> tactics = new ArrayList<>();
        for (String stage : incident.stages()) {
            stages.find(stage).ifPresent(s -> {
                Mitre m = Mitre.parse(s.mitre());
                tactics.add(new Alert.MitreRef(m.tacticId(), m.tactic(), m.techniqueId()));
            });
        }
        // The furthest stage on the ladder names the incident's tactic.
        Alert.MitreRef mitre = tactics.isEmpty() ? new Alert.MitreRef(null, null, null) : tactics.get(tactics.size() - 1);
        AdjustedSeverity severity = incident.severity();
        String display = severity.severity() + " incident: " + incident.actorName() + " reached " + String.join(" → ", incident.stages());
        String description = "Actor " + incident.actorName() + " (" + incident.actorKey() + ") reached stage(s) "
                + String.join(", ", incident.stages()) + " with " + incident.signals().size() + " signal(s); score "
                + incident.score() + " (" + incident.breakdown().stream().map(i -> i.name() + " " + (i.points() >= 0 ? "+" : "") + i.points())
                .reduce((a, b) -> a + ", " + b).orElse("") + ").";
        List<Alert.Entity> entities = new ArrayList<>();
        String name = principal.name() != null ? principal.name() : incident.actorName();
        entities.add(Alert.Entity.account(name, principal.upnSuffix(), incident.accountId(), incident.principalArn()));
        incident.sourceIps().forEach(ip -> entities.add(Alert.Entity.ip(ip)));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("IncidentId", incident.incidentId());
        details.put("Signals", incident.signals().size());
        Alert.Actor actor = new Alert.Actor(incident.principalId(), incident.principalArn(), incident.accountId(), principal.userName(),
                name, principal.upnSuffix(), incident.actorKey(), incident.actorName(), List.copyOf(new TreeSet<>(incident.accessKeyIds())));
        Alert.Window window = new Alert.Window(incident.firstSeen(), incident.lastSeen(),
                incident.signals().stream().mapToLong(Incident.SignalRef::count).sum(), incident.lastSeen());
        Alert.Evidence evidence = new Alert.Evidence(null, incident.sourceIps(), incident.unknownSourceIps(),
                incident.signals().stream().map(Incident.SignalRef::ruleName).distinct().sorted().toList(),
                List.of(), List.of(), List.of(), List.of(), incident.contexts(), incident.evidence().stream().limit(EVIDENCE_CAP).toList(),
                incident.evidenceEvents().stream().limit(EVIDENCE_CAP).toList(), entities, details);
        return new Alert(AlertIds.incident(incident),
                // An incident of ordinary single calls in one stage is kept and scored but pages no one
                // until its actor does something that alerts or reaches another stage.
                new Alert.RuleRef(Alert.INCIDENT_RULE_ID, "Attack progression incident", "1", incident.onlyBuildingBlocks(), List.of()),
                new Alert.Rating(severity.severity(), severity.base(), severity.reason(), severity.suppressed()),
                incident.score(), incident.stages(), mitre, actor, window, evidence, display, description,
                new Alert.IncidentRef(incident.incidentId(), incident.breakdown(), incident.signals(),
                        List.copyOf(new TreeSet<>(incident.linkedIdentities())), List.copyOf(tactics)));
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
