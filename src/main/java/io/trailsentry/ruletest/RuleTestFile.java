package io.trailsentry.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.context.YamlFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code <rule>.tests.yaml} file beside a rule: which rule it tests and its cases.
 * <pre>
 * rule: 8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34   # id of the rule whose alerts are checked
 * parameters: {}                               # optional EPL variable overrides for these cases
 * context:                                     # optional context settings for these cases (defaults:
 *   known-cidrs: [10.0.0.0/8]                  #   nothing known, 08:00-18:00 MON-FRI UTC); also
 *   allowlisted-principals: ["arn:aws:iam::*:role/prowler-*"]   # admin-principals, allowlisted-user-agents,
 *                                              #   timezone, business-hours, business-days
 * cases:
 *   - name: a 51-call burst fires
 *     expect: fire                             # or: silent
 *     alerts: 1                                # optional exact alert count
 *     fields: { count: 51 }                    # optional fields of the first alert
 *     events:
 *       - repeat: 51                           # expands to 51 records …
 *         every: 5s                            # … 5 s apart from the record's eventTime …
 *         vary: { eventName: [ListUsers, ListRoles] }   # … cycling field values
 *         record: { eventTime: 2024-08-01T10:00:00Z, eventName: ListUsers, … }
 *       - { eventTime: …, eventName: …, … }    # or a plain record
 * </pre>
 */
public record RuleTestFile(Path path, String rule, Map<String, Object> parameters, Map<String, List<String>> context,
                           List<RuleTestCase> cases) {

    /** The context keys a test file may set, as in {@code trailsentry.context.*}. */
    public static final List<String> CONTEXT_KEYS = List.of("known-cidrs", "admin-principals", "allowlisted-principals",
            "allowlisted-user-agents", "timezone", "business-hours", "business-days");

    public RuleTestFile {
        parameters = Map.copyOf(parameters);
        context = Map.copyOf(context);
        cases = List.copyOf(cases);
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static RuleTestFile read(Path path) {
        JsonNode root = YamlFiles.read(path);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(path + ": expected a mapping with 'rule' and 'cases'");
        }
        String rule = text(root, "rule", path);
        Map<String, Object> parameters = new LinkedHashMap<>();
        JsonNode params = root.path("parameters");
        if (params.isObject()) {
            params.fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        }
        Map<String, List<String>> context = new LinkedHashMap<>();
        JsonNode contextNode = root.path("context");
        if (contextNode.isObject()) {
            for (var it = contextNode.fields(); it.hasNext(); ) {
                var entry = it.next();
                if (!CONTEXT_KEYS.contains(entry.getKey())) {
                    throw new IllegalArgumentException(path + ": context key '" + entry.getKey() + "' is not one of " + CONTEXT_KEYS);
                }
                List<String> values = new ArrayList<>();
                if (entry.getValue().isArray()) {
                    entry.getValue().forEach(v -> values.add(v.asText()));
                } else {
                    for (String v : entry.getValue().asText().split(",")) {
                        values.add(v.trim());
                    }
                }
                context.put(entry.getKey(), values);
            }
        }
        JsonNode casesNode = root.path("cases");
        if (!casesNode.isArray() || casesNode.isEmpty()) {
            throw new IllegalArgumentException(path + ": 'cases' must be a non-empty list");
        }
        List<RuleTestCase> cases = new ArrayList<>();
        int index = 0;
        for (JsonNode c : casesNode) {
            index++;
            String where = path + " case " + index;
            String name = c.path("name").asText("case " + index);
            String expect = c.path("expect").asText("");
            if (!expect.equals("fire") && !expect.equals("silent")) {
                throw new IllegalArgumentException(where + " (" + name + "): 'expect' must be 'fire' or 'silent', was '" + expect + "'");
            }
            Integer alerts = c.hasNonNull("alerts") ? c.get("alerts").asInt() : null;
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            if (c.path("fields").isObject()) {
                c.get("fields").fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
            }
            if (!c.path("events").isArray() || c.get("events").isEmpty()) {
                throw new IllegalArgumentException(where + " (" + name + "): 'events' must be a non-empty list");
            }
            List<JsonNode> events = new ArrayList<>();
            c.get("events").forEach(events::add);
            cases.add(new RuleTestCase(name, expect, alerts, fields, events));
        }
        return new RuleTestFile(path, rule, parameters, context, cases);
    }

    private static String text(JsonNode node, String field, Path path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(path + ": '" + field + "' is required");
        }
        return value.asText();
    }

}
