package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Total JSON reading for the request analyses ({@link PolicyDocuments}, {@link S3Acls}, …): every
 * helper answers something for any input — null, junk, a number where an object was expected — and
 * never throws, because a rule function that throws stops the rule, not the attacker.
 *
 * <p>CloudTrail writes the same request in several shapes: EC2 wraps lists as {@code {"items":[…]}},
 * S3 turns XML into JSON (one element is an object, several an array; keys in XML case), some
 * exporters lower-case the first letter. {@link #list} and {@link #field} absorb those differences.
 */
final class RequestJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestJson() {
    }

    /** The parsed text, or a missing node when it is null, blank or not JSON. */
    static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node == null ? MissingNode.getInstance() : node;
        } catch (Exception notJson) { // JsonProcessingException, or a constraint violation on absurd input
            return MissingNode.getInstance();
        }
    }

    /** {@code name} of an object, matched exactly and then ignoring case; a missing node otherwise. */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return MissingNode.getInstance();
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return MissingNode.getInstance();
    }

    /**
     * The elements of a list in any of CloudTrail's shapes: an array's elements, an EC2
     * {@code {"items":[…]}} wrapper's items, a lone object (XML's single element) as itself; none for
     * a missing node, null or a scalar.
     */
    static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (node.isObject()) {
            JsonNode items = field(node, "items");
            if (items.isArray()) {
                items.forEach(out::add);
            } else if (items.isMissingNode() && node.size() > 0) {
                out.add(node); // an empty {} (EC2's "no list") is no element
            }
        }
        return out;
    }

    /** The strings of a value: a scalar as its text, an array's (or items wrapper's) scalar elements; none otherwise. */
    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (node.isValueNode()) {
            out.add(node.asText());
            return out;
        }
        for (JsonNode element : list(node)) {
            if (element.isValueNode() && !element.isNull()) {
                out.add(element.asText());
            }
        }
        return out;
    }

    /** A scalar's text, or null for a missing node, JSON null, an object or an array. */
    static String text(JsonNode node) {
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    /** A JSON boolean or the text {@code true}/{@code false}; {@code absent} for anything else. */
    static Boolean bool(JsonNode node, Boolean absent) {
        if (node != null && node.isBoolean()) {
            return node.booleanValue();
        }
        String text = text(node);
        if ("true".equalsIgnoreCase(text)) {
            return Boolean.TRUE;
        }
        if ("false".equalsIgnoreCase(text)) {
            return Boolean.FALSE;
        }
        return absent;
    }

    /** An integer written as a number or as text ({@code "22"}, as XML-born JSON has it); null otherwise. */
    static Integer integer(JsonNode node) {
        if (node != null && node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        String text = text(node);
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException notAnInteger) {
            return null;
        }
    }
}
