package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.ingest.CloudTrailEvent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which attack stages an API call belongs to, as data ({@code epl/stages.yaml}) rather than
 * constants in Java, so a detection engineer extends a stage by editing a list:
 * <pre>
 * credential_access:
 *   - secretsmanager:GetSecretValue
 *   - ssm:GetParameter*  if withDecryption=true
 * </pre>
 * A pattern is {@code <service>:<EventName>} with {@code *} wildcards, the service being
 * {@code eventSource} without {@code .amazonaws.com}; an optional {@code if field=value} tests a
 * top-level field of {@code requestParameters}. A call may belong to several stages.
 */
public final class StageCatalog {

    private record Entry(String stage, Pattern pattern, String conditionField, String conditionValue) {
    }

    private static final String[] NONE = new String[0];
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Entry> entries;
    /**
     * Unconditional results per eventSource, then eventName; the set of API names is finite, so this
     * stays small. Keyed by the parsed strings themselves (the parser shares one instance per value,
     * whose hash is computed once) rather than a "service:name" string built for every event.
     */
    private final Map<String, Map<String, String[]>> cache = new ConcurrentHashMap<>();
    private final Set<String> conditional = ConcurrentHashMap.newKeySet();

    private StageCatalog(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static StageCatalog empty() {
        return new StageCatalog(List.of());
    }

    /** @throws IllegalArgumentException naming the file and the entry that is wrong */
    public static StageCatalog read(Path file) {
        JsonNode root = YamlFiles.read(file);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping of stage → list of patterns");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> stage = it.next();
            if (!stage.getValue().isArray()) {
                throw new IllegalArgumentException(file + ": stage '" + stage.getKey() + "' must list patterns");
            }
            for (JsonNode item : stage.getValue()) {
                entries.add(entry(file, stage.getKey(), item.asText()));
            }
        }
        return new StageCatalog(entries);
    }

    private static Entry entry(Path file, String stage, String text) {
        String pattern = text.trim();
        String field = null;
        String value = null;
        int ifAt = pattern.indexOf(" if ");
        if (ifAt > 0) {
            String condition = pattern.substring(ifAt + 4).trim();
            pattern = pattern.substring(0, ifAt).trim();
            int eq = condition.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + ": '" + text + "': a condition is 'if field=value'");
            }
            field = condition.substring(0, eq).trim();
            value = condition.substring(eq + 1).trim();
        }
        if (!pattern.matches("[A-Za-z0-9*.-]+:[A-Za-z0-9*]+")) {
            throw new IllegalArgumentException(file + ": '" + text + "' is not <service>:<EventName> (wildcards: *)");
        }
        return new Entry(stage, Pattern.compile(pattern.replace(".", "\\.").replace("*", ".*")), field, value);
    }

    /** The stages of this call, in the order the file lists them; empty when it is in none. */
    public String[] stagesOf(CloudTrailEvent e) {
        String source = e.getEventSource() == null ? "" : e.getEventSource();
        String name = e.getEventName() == null ? "" : e.getEventName();
        Map<String, String[]> byName = cache.get(source);
        String[] cached = byName == null ? null : byName.get(name);
        if (cached != null) {
            return cached;
        }
        String key = service(e.getEventSource()) + ":" + e.getEventName();
        Set<String> stages = new LinkedHashSet<>();
        boolean anyCondition = false;
        JsonNode parameters = null;
        for (Entry entry : entries) {
            if (!entry.pattern().matcher(key).matches()) {
                continue;
            }
            if (entry.conditionField() == null) {
                stages.add(entry.stage());
                continue;
            }
            anyCondition = true;
            if (parameters == null) {
                parameters = parameters(e);
            }
            JsonNode actual = parameters.get(entry.conditionField());
            if (actual != null && ("*".equals(entry.conditionValue()) || actual.asText().equalsIgnoreCase(entry.conditionValue()))) {
                stages.add(entry.stage());
            }
        }
        String[] result = stages.isEmpty() ? NONE : stages.toArray(String[]::new);
        if (anyCondition) {
            conditional.add(key);
        } else if (cache.size() < 10_000 && (byName == null || byName.size() < 10_000)) {
            cache.computeIfAbsent(source, s -> new ConcurrentHashMap<>()).put(name, result);
        }
        return result;
    }

    private static JsonNode parameters(CloudTrailEvent e) {
        if (e.getRequestParameters() == null) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(e.getRequestParameters());
            return node == null || !node.isObject() ? JSON.createObjectNode() : node;
        } catch (java.io.IOException notJson) {
            return JSON.createObjectNode();
        }
    }

    static String service(String eventSource) {
        if (eventSource == null) {
            return "";
        }
        return eventSource.endsWith(".amazonaws.com") ? eventSource.substring(0, eventSource.length() - 14) : eventSource;
    }
}
