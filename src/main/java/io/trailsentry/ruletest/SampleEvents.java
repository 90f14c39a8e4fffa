package io.trailsentry.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Expands a case's {@code events} into CloudTrail JSON: plain records pass through, and so does a
 * record written {@code - record: {…}} (the form a repeat block uses); a {@code repeat} block
 * becomes N records {@code every} apart, each with its own eventID
 * ({@code <eventID>-<i>}) and the {@code vary} values cycled. Written so a threshold rule's
 * 51-call positive case is five lines of YAML, not 51 records.
 */
final class SampleEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleEvents() {
    }

    static byte[] toJsonArray(List<JsonNode> events) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode event : events) {
            if (event.has("repeat")) {
                expand(event, out);
            } else if (event.has("record") && !event.has("eventTime") && !event.has("eventName")) {
                // "- record: {…}" without repeat: one record, the same form a repeat block uses.
                JsonNode record = event.get("record");
                if (!record.isObject()) {
                    throw new IllegalArgumentException("'record' must be a CloudTrail record (a mapping), was " + record);
                }
                out.add(normaliseTime(record.deepCopy()));
            } else {
                out.add(normaliseTime(event.deepCopy()));
            }
        }
        try {
            return JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void expand(JsonNode block, ArrayNode out) {
        int repeat = block.get("repeat").asInt();
        if (repeat < 1 || repeat > 100_000) {
            throw new IllegalArgumentException("repeat must be between 1 and 100000, was " + block.get("repeat"));
        }
        Duration every = parseDuration(block.path("every").asText("1s"));
        JsonNode record = block.get("record");
        if (record == null || !record.isObject()) {
            throw new IllegalArgumentException("a repeat block needs a 'record' mapping");
        }
        ObjectNode template = normaliseTime(record.deepCopy());
        Instant start = Instant.parse(template.path("eventTime").asText());
        String baseId = template.path("eventID").asText("sample");
        for (int i = 0; i < repeat; i++) {
            ObjectNode copy = template.deepCopy();
            copy.put("eventTime", start.plus(every.multipliedBy(i)).toString());
            copy.put("eventID", baseId + "-" + i);
            JsonNode vary = block.path("vary");
            if (vary.isObject()) {
                for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) vary::fields) {
                    JsonNode values = field.getValue();
                    if (values.isArray() && !values.isEmpty()) {
                        setPath(copy, field.getKey(), values.get(i % values.size()));
                    }
                }
            }
            out.add(copy);
        }
    }

    /** {@code userIdentity.arn} style paths set nested fields. */
    private static void setPath(ObjectNode node, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode current = node;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = current.get(parts[i]);
            if (!(next instanceof ObjectNode)) {
                next = current.putObject(parts[i]);
            }
            current = (ObjectNode) next;
        }
        current.set(parts[parts.length - 1], value);
    }

    /** YAML reads an unquoted timestamp as text already; keep it text for the parser. */
    private static ObjectNode normaliseTime(JsonNode record) {
        if (!record.isObject()) {
            throw new IllegalArgumentException("a sample event must be a mapping, was: " + record);
        }
        ObjectNode node = (ObjectNode) record;
        JsonNode time = node.get("eventTime");
        if (time != null && !time.isTextual()) {
            node.set("eventTime", TextNode.valueOf(time.asText()));
        }
        return node;
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("p")) return Duration.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            if (t.endsWith("m")) return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            if (t.endsWith("h")) return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
        } catch (RuntimeException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("'every' must be like 500ms, 5s, 2m, 1h or PT5S, was '" + text + "'");
    }
}
