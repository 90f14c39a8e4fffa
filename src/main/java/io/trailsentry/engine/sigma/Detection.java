package io.trailsentry.engine.sigma;

import java.util.List;
import java.util.Map;

/**
 * A rule's {@code detection:} section.
 *
 * @param identifiers the search identifiers by name, in file order
 * @param condition   the parsed {@code condition:} (a list of conditions is their OR)
 */
record Detection(Map<String, SearchIdentifier> identifiers, Condition condition, int conditionLine, int conditionColumn) {

    Detection {
        identifiers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(identifiers));
    }

    /**
     * A search identifier: a map of fields (AND) or a list of such maps (OR).
     *
     * @param alternatives OR of AND-groups; a plain map is a single group
     */
    record SearchIdentifier(String name, List<List<FieldMatch>> alternatives, int line, int column) {
        SearchIdentifier {
            alternatives = alternatives.stream().map(List::copyOf).toList();
        }
    }

    /**
     * One {@code field|modifier|…: value(s)} entry.
     *
     * @param values one or more values: OR by default, AND with {@code |all}
     */
    record FieldMatch(String field, Modifiers modifiers, List<SigmaValue> values, int line, int column) {
        FieldMatch {
            values = List.copyOf(values);
        }
    }

    /** A value as written, with YAML's reading of it and its place. */
    record SigmaValue(String text, YamlNode.Kind kind, int line, int column) {
        boolean isNull() {
            return kind == YamlNode.Kind.NULL;
        }
    }
}
