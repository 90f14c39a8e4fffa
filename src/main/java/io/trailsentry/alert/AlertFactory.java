package io.trailsentry.alert;

import io.trailsentry.engine.Mitre;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ingest.CloudTrailEvent;

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
        RuleMetadata rule = hit.rule();
        List<CloudTrailEvent> events = hit.events();
        List<String> sourceIps = distinct(events, CloudTrailEvent::getSourceIPAddress);
        PrincipalName principal = PrincipalName.of(hit.principalId());
        List<String> evidence = events.stream().map(CloudTrailEvent::getEventID)
                .filter(id -> id != null).limit(EVIDENCE_CAP).toList();
        Mitre mitre = rule.mitre();

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
                    List.of(),
                    render(rule.tag("displayName"), fields, rule.name() + " - " + hit.principalId()),
                    render(rule.tag("descriptionFormat"), fields, rule.description()),
                    evidence,
                    entities,
                    customDetails(rule.tag("customDetails"), fields),
                    Instant.ofEpochMilli(hit.engineTime())));
        }
        return alerts;
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
