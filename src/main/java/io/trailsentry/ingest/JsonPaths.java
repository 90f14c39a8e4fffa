package io.trailsentry.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * One parsed JSON document (an event's {@code requestParameters}, …) and look-ups in it by dotted
 * path: {@code userName}, {@code ipPermissions.items.0.fromPort}, {@code a.b.c}.
 *
 * <p>A path walks objects by key and arrays by index. At each object the rest of the path is first
 * tried as one key, so a key that itself contains dots ({@code "x-amz.meta"}) is still reachable.
 * The value is the scalar as text ({@code 22}, {@code true}, {@code 1.10}), an object or array as
 * compact JSON text, and null when the path is absent, the value is JSON null, or the text was not
 * JSON at all.
 *
 * <p>Immutable once built: the tree is complete before the constructor stores it in a final field,
 * so an instance published through a data race (the event's benign cache) is seen whole.
 */
final class JsonPaths {

    /** Keeps numbers as written ({@code 1.10} stays {@code 1.10}), like the compact text it reads. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** No document: every path is absent. */
    static final JsonPaths EMPTY = new JsonPaths(null);

    private final JsonNode root;

    private JsonPaths(JsonNode root) {
        this.root = root;
    }

    /** Parses {@code json}; {@link #EMPTY} when it is null or not JSON (never throws). */
    static JsonPaths parse(String json) {
        if (json == null || json.isEmpty()) {
            return EMPTY;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return node == null || node.isMissingNode() ? EMPTY : new JsonPaths(node);
        } catch (JsonProcessingException | RuntimeException notJson) {
            return EMPTY;
        }
    }

    /** The value at {@code path} as text (see the class comment), or null. */
    String valueAt(String path) {
        JsonNode node = nodeAt(path);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private JsonNode nodeAt(String path) {
        if (root == null || path == null || path.isEmpty()) {
            return null;
        }
        JsonNode node = root;
        int from = 0;
        while (true) {
            int dot = path.indexOf('.', from);
            if (node.isObject()) {
                JsonNode whole = node.get(from == 0 ? path : path.substring(from));
                if (whole != null || dot < 0) {
                    return whole;
                }
                node = node.get(path.substring(from, dot));
            } else if (node.isArray()) {
                int index = index(dot < 0 ? path.substring(from) : path.substring(from, dot));
                node = index < 0 ? null : node.get(index);
                if (dot < 0) {
                    return node;
                }
            } else {
                return null;
            }
            if (node == null) {
                return null;
            }
            from = dot + 1;
        }
    }

    /** A non-negative array index, or -1 when the segment is not one. */
    private static int index(String segment) {
        if (segment.isEmpty() || segment.length() > 9) {
            return -1;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(segment);
    }
}
