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
public record RuleTestFile(Path path, String rule, Map<String, Object> parameters, List<RuleTestCase> cases) {

    public RuleTestFile {
        parameters = Map.copyOf(parameters);
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
        return new RuleTestFile(path, rule, parameters, cases);
    }

    private static String text(JsonNode node, String field, Path path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(path + ": '" + field + "' is required");
        }
        return value.asText();
    }

}
