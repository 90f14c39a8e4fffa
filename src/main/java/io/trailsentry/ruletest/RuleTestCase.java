package io.trailsentry.ruletest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * One case of a rule's sample-event tests.
 *
 * @param name   what the case shows, printed on pass and fail
 * @param expect {@code fire} or {@code silent}
 * @param alerts exact number of alerts of the rule expected, or null to accept any number when firing
 * @param fields alert fields the first alert must have, by name (e.g. {@code count: 51})
 * @param events the sample: CloudTrail records, or {@code repeat} blocks that expand to many
 */
public record RuleTestCase(String name, String expect, Integer alerts, Map<String, JsonNode> fields, List<JsonNode> events) {

    public RuleTestCase {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        events = events == null ? List.of() : List.copyOf(events);
    }

    public boolean expectsFire() {
        return "fire".equals(expect);
    }
}
