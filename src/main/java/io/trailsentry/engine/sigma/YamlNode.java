package io.trailsentry.engine.sigma;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the place it was written, so a refusal can point at the line to fix. Only what
 * Sigma needs: mappings with text keys, sequences and scalars (with YAML's reading of them, so
 * {@code null} and a quoted {@code 'null'} stay apart).
 */
sealed interface YamlNode {

    int line();

    int column();

    /** How YAML read a plain scalar; a quoted scalar is always {@link Kind#STRING}. */
    enum Kind { STRING, NUMBER, BOOLEAN, NULL }

    /** @param text the scalar as written (YAML's {@code NO} stays {@code NO}, not {@code false}) */
    record Scalar(String text, Kind kind, int line, int column) implements YamlNode {
        boolean isNull() {
            return kind == Kind.NULL;
        }
    }

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** @param entries in file order; keys are unique (a repeated key is refused when read) */
    record Mapping(Map<String, Entry> entries, int line, int column) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        boolean has(String key) {
            return entries.containsKey(key);
        }
    }

    /** A mapping entry: the key's own position is where a refusal about that key points. */
    record Entry(String key, int line, int column, YamlNode value) {
    }

    /** What a node is, for messages: "a list", "a mapping", "a value". */
    static String describe(YamlNode node) {
        if (node instanceof Sequence) {
            return "a list";
        }
        if (node instanceof Mapping) {
            return "a mapping";
        }
        return node == null ? "nothing" : "a value";
    }
}
