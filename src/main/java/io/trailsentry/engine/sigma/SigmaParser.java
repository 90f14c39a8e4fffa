package io.trailsentry.engine.sigma;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the YAML of one Sigma document into a {@link SigmaRule} or {@link SigmaCorrelation},
 * refusing what the specification does not define or this compiler does not run, at the line that
 * says it. Values are checked against fields later, by the compiler, which knows the field map.
 */
final class SigmaParser {

    private static final Pattern TIMESPAN = Pattern.compile("(\\d+)([smhd])");
    private static final List<String> COUNT_KEYS = List.of("gt", "gte", "lt", "lte", "eq", "neq");

    private final String file;
    private final String[] lines;

    /** @param text the whole file, to find where a quoted value's text starts */
    SigmaParser(String file, String text) {
        this.file = file;
        this.lines = text.split("\n", -1);
    }

    /** @return the document's model; documents that are neither kind are refused */
    SigmaDocument parse(YamlNode node, int index) throws SigmaRefusal {
        if (!(node instanceof YamlNode.Mapping doc)) {
            throw new SigmaRefusal("document", node, "a Sigma document is a mapping of title, detection, …; found " + YamlNode.describe(node));
        }
        if (doc.has("action")) {
            throw refusal("action", doc, "action", "Sigma 1.0 multi-document collections (action: global/reset/repeat) are not supported; write each rule out in full");
        }
        SigmaHeader header = header(doc);
        if (doc.has("correlation") && doc.has("detection")) {
            throw refusal("correlation", doc, "correlation", "a document is either a detection rule or a correlation rule, not both");
        }
        if (doc.has("correlation")) {
            return correlation(doc, header, index);
        }
        if (!doc.has("detection")) {
            throw new SigmaRefusal("document", doc, "no 'detection:' or 'correlation:' section");
        }
        logsource(doc);
        return new SigmaRule(file, index, header, detection(doc.entries().get("detection")));
    }

    private SigmaHeader header(YamlNode.Mapping doc) throws SigmaRefusal {
        return new SigmaHeader(text(doc, "title"), text(doc, "id"), text(doc, "name"), text(doc, "description"),
                text(doc, "status"), text(doc, "level"), texts(doc, "tags"), texts(doc, "falsepositives"),
                texts(doc, "references"), text(doc, "author"), text(doc, "date"), text(doc, "modified"), doc.line());
    }

    private void logsource(YamlNode.Mapping doc) throws SigmaRefusal {
        YamlNode node = doc.get("logsource");
        if (!(node instanceof YamlNode.Mapping logsource)) {
            throw refusal("logsource", doc, "logsource", "a detection rule needs 'logsource: {product: aws, service: cloudtrail}'");
        }
        String product = text(logsource, "product");
        String service = text(logsource, "service");
        if (!"aws".equalsIgnoreCase(product) || !"cloudtrail".equalsIgnoreCase(service)) {
            throw refusal("logsource", doc, "logsource", "TrailSentry reads AWS CloudTrail only; this rule's log source is "
                    + describeLogsource(logsource) + " (expected product: aws, service: cloudtrail)");
        }
    }

    private static String describeLogsource(YamlNode.Mapping logsource) {
        List<String> parts = new ArrayList<>();
        for (YamlNode.Entry e : logsource.entries().values()) {
            if (e.value() instanceof YamlNode.Scalar s && !e.key().equals("definition")) {
                parts.add(e.key() + ": " + s.text());
            }
        }
        return parts.isEmpty() ? "empty" : String.join(", ", parts);
    }

    private Detection detection(YamlNode.Entry entry) throws SigmaRefusal {
        if (!(entry.value() instanceof YamlNode.Mapping detection)) {
            throw new SigmaRefusal("detection", entry.line(), entry.column(), "'detection' must be a mapping of search identifiers and a condition");
        }
        Map<String, Detection.SearchIdentifier> identifiers = new LinkedHashMap<>();
        YamlNode.Entry condition = null;
        for (YamlNode.Entry e : detection.entries().values()) {
            switch (e.key()) {
                case "condition" -> condition = e;
                case "timeframe" -> throw new SigmaRefusal("timeframe", e.line(), e.column(),
                        "'timeframe' belongs to Sigma 1.0 aggregations; write a correlation rule with a timespan instead");
                default -> identifiers.put(e.key(), searchIdentifier(e));
            }
        }
        if (condition == null) {
            throw new SigmaRefusal("condition", entry.line(), entry.column(), "the detection has no 'condition'");
        }
        return new Detection(identifiers, condition(condition), condition.line(), condition.column());
    }

    private Condition condition(YamlNode.Entry entry) throws SigmaRefusal {
        if (entry.value() instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.STRING) {
            return ConditionParser.parse(s.text(), s.line(), textColumn(s));
        }
        if (entry.value() instanceof YamlNode.Sequence list && !list.items().isEmpty()) {
            List<Condition> any = new ArrayList<>();
            for (YamlNode item : list.items()) {
                if (!(item instanceof YamlNode.Scalar s) || s.kind() != YamlNode.Kind.STRING) {
                    throw new SigmaRefusal("condition", item, "each condition of a list must be text");
                }
                any.add(ConditionParser.parse(s.text(), s.line(), textColumn(s)));
            }
            return any.size() == 1 ? any.get(0) : new Condition.Or(any);
        }
        throw new SigmaRefusal("condition", entry.line(), entry.column(), "the condition must be text (or a list of texts, ORed)");
    }

    private Detection.SearchIdentifier searchIdentifier(YamlNode.Entry entry) throws SigmaRefusal {
        YamlNode value = entry.value();
        List<List<Detection.FieldMatch>> alternatives = new ArrayList<>();
        if (value instanceof YamlNode.Mapping map) {
            alternatives.add(fields(entry.key(), map));
        } else if (value instanceof YamlNode.Sequence list && !list.items().isEmpty()) {
            boolean maps = list.items().stream().allMatch(i -> i instanceof YamlNode.Mapping);
            boolean scalars = list.items().stream().allMatch(i -> i instanceof YamlNode.Scalar);
            if (scalars) {
                throw keywords(entry);
            }
            if (!maps) {
                throw new SigmaRefusal("search identifier '" + entry.key() + "'", entry.line(), entry.column(),
                        "a list must hold either maps of fields or keywords, not both");
            }
            for (YamlNode item : list.items()) {
                alternatives.add(fields(entry.key(), (YamlNode.Mapping) item));
            }
        } else if (value instanceof YamlNode.Scalar) {
            throw keywords(entry);
        } else {
            throw new SigmaRefusal("search identifier '" + entry.key() + "'", entry.line(), entry.column(),
                    "a search identifier must be a map of fields or a list of maps");
        }
        return new Detection.SearchIdentifier(entry.key(), alternatives, entry.line(), entry.column());
    }

    private static SigmaRefusal keywords(YamlNode.Entry entry) {
        return new SigmaRefusal("keywords", entry.line(), entry.column(), "'" + entry.key() + "' searches keywords across the whole"
                + " event; TrailSentry matches named fields only: write e.g. 'userAgent|contains: …' or 'requestParameters|contains: …'");
    }

    private List<Detection.FieldMatch> fields(String identifier, YamlNode.Mapping map) throws SigmaRefusal {
        if (map.entries().isEmpty()) {
            throw new SigmaRefusal("search identifier '" + identifier + "'", map, "an empty map matches nothing; name at least one field");
        }
        List<Detection.FieldMatch> fields = new ArrayList<>();
        for (YamlNode.Entry e : map.entries().values()) {
            String[] parts = e.key().split("\\|", -1);
            String field = parts[0].trim();
            if (field.isEmpty()) {
                throw new SigmaRefusal("keywords", e.line(), e.column(), "'" + e.key() + "' searches keywords across the whole event;"
                        + " TrailSentry matches named fields only");
            }
            Modifiers modifiers = Modifiers.parse(Arrays.asList(parts).subList(1, parts.length), e.line(), e.column());
            fields.add(new Detection.FieldMatch(field, modifiers, values(e), e.line(), e.column()));
        }
        return fields;
    }

    private List<Detection.SigmaValue> values(YamlNode.Entry entry) throws SigmaRefusal {
        List<Detection.SigmaValue> values = new ArrayList<>();
        if (entry.value() instanceof YamlNode.Scalar s) {
            values.add(value(s));
        } else if (entry.value() instanceof YamlNode.Sequence list) {
            if (list.items().isEmpty()) {
                throw new SigmaRefusal("field '" + entry.key() + "'", entry.line(), entry.column(), "an empty list of values matches nothing");
            }
            for (YamlNode item : list.items()) {
                if (!(item instanceof YamlNode.Scalar s)) {
                    throw new SigmaRefusal("field '" + entry.key() + "'", item, "a field's values must be plain values, not "
                            + YamlNode.describe(item));
                }
                if (s.isNull() && list.items().size() > 1) {
                    throw new SigmaRefusal("null", s, "null cannot be one of a list of values (Sigma specification);"
                            + " put 'field: null' in a selection of its own");
                }
                values.add(value(s));
            }
        } else {
            throw new SigmaRefusal("field '" + entry.key() + "'", entry.line(), entry.column(),
                    "a field's value must be a value or a list of values, not " + YamlNode.describe(entry.value()));
        }
        return values;
    }

    private Detection.SigmaValue value(YamlNode.Scalar s) {
        return new Detection.SigmaValue(s.text(), s.kind(), s.line(), textColumn(s));
    }

    private SigmaCorrelation correlation(YamlNode.Mapping doc, SigmaHeader header, int index) throws SigmaRefusal {
        YamlNode.Entry entry = doc.entries().get("correlation");
        if (!(entry.value() instanceof YamlNode.Mapping c)) {
            throw new SigmaRefusal("correlation", entry.line(), entry.column(), "'correlation' must be a mapping with type, rules, group-by, timespan, condition");
        }
        String typeText = text(c, "type");
        if (typeText == null) {
            throw refusal("correlation", c, "type", "the correlation has no 'type'");
        }
        SigmaCorrelation.Type type = switch (typeText) {
            case "event_count" -> SigmaCorrelation.Type.EVENT_COUNT;
            case "value_count" -> SigmaCorrelation.Type.VALUE_COUNT;
            case "temporal" -> SigmaCorrelation.Type.TEMPORAL;
            case "temporal_ordered" -> SigmaCorrelation.Type.TEMPORAL_ORDERED;
            case "value_sum", "value_avg", "value_percentile" -> throw refusal(typeText, c, "type",
                    "numeric aggregations over a field (Sigma 2.1 metric correlations) are not supported; CloudTrail's request fields are text");
            default -> throw refusal("type " + typeText, c, "type", "unknown correlation type; expected event_count, value_count, temporal or temporal_ordered");
        };
        List<SigmaCorrelation.Reference> rules = new ArrayList<>();
        YamlNode rulesNode = c.get("rules");
        if (rulesNode instanceof YamlNode.Scalar s && s.kind() == YamlNode.Kind.STRING) {
            rules.add(new SigmaCorrelation.Reference(s.text(), s.line(), textColumn(s)));
        } else if (rulesNode instanceof YamlNode.Sequence list && !list.items().isEmpty()) {
            for (YamlNode item : list.items()) {
                if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                    throw new SigmaRefusal("rules", item, "each entry of 'rules' is a rule's id or name");
                }
                rules.add(new SigmaCorrelation.Reference(s.text(), s.line(), textColumn(s)));
            }
        } else {
            throw refusal("rules", c, "rules", "the correlation must list the rules it correlates ('rules:' with ids or names)");
        }
        List<String> groupBy = texts(c, "group-by");
        YamlNode.Entry timespanEntry = c.entries().get("timespan");
        if (timespanEntry == null) {
            throw refusal("timespan", c, "timespan", "the correlation has no 'timespan' (e.g. 10m)");
        }
        Duration timespan = timespan(timespanEntry);
        SigmaCorrelation.CountCondition condition = null;
        String valueField = null;
        YamlNode.Entry conditionEntry = c.entries().get("condition");
        if (conditionEntry != null) {
            if (!(conditionEntry.value() instanceof YamlNode.Mapping cm)) {
                throw new SigmaRefusal("condition", conditionEntry.line(), conditionEntry.column(),
                        "a correlation condition is a mapping such as 'gte: 100' (or 'field: …' plus a bound for value_count)");
            }
            condition = countCondition(cm, conditionEntry);
            YamlNode field = cm.get("field");
            if (field instanceof YamlNode.Scalar fs && !fs.isNull()) {
                valueField = fs.text();
            } else if (field instanceof YamlNode.Sequence fl) {
                List<String> names = new ArrayList<>();
                for (YamlNode item : fl.items()) {
                    if (!(item instanceof YamlNode.Scalar s)) {
                        throw new SigmaRefusal("field", item, "condition.field lists field names");
                    }
                    names.add(s.text());
                }
                valueField = String.join(",", names);
            } else if (field != null) {
                throw new SigmaRefusal("field", field, "condition.field is a field name or a list of them");
            }
        }
        switch (type) {
            case EVENT_COUNT -> {
                if (condition == null) {
                    throw refusal("condition", c, "type", "event_count needs a condition such as 'gte: 100'");
                }
            }
            case VALUE_COUNT -> {
                if (condition == null || valueField == null) {
                    throw refusal("condition", c, "type", "value_count needs a condition with 'field:' and a bound such as 'gte: 10'");
                }
            }
            default -> {
                if (valueField != null) {
                    throw new SigmaRefusal("field", conditionEntry.line(), conditionEntry.column(), typeText + " counts rules, not a field's values");
                }
            }
        }
        Map<String, Map<String, String>> aliases = aliases(c);
        boolean generate = bool(doc, "generate", bool(c, "generate", false));
        return new SigmaCorrelation(file, index, header, type, rules, groupBy, timespan, condition, valueField, aliases, generate, doc.line());
    }

    private SigmaCorrelation.CountCondition countCondition(YamlNode.Mapping cm, YamlNode.Entry at) throws SigmaRefusal {
        Map<String, Long> bounds = new LinkedHashMap<>();
        for (YamlNode.Entry e : cm.entries().values()) {
            if (e.key().equals("field")) {
                continue;
            }
            if (!COUNT_KEYS.contains(e.key())) {
                throw new SigmaRefusal("condition " + e.key(), e.line(), e.column(), "unknown condition; expected gt, gte, lt, lte, eq or neq");
            }
            if (!(e.value() instanceof YamlNode.Scalar s) || s.kind() != YamlNode.Kind.NUMBER) {
                throw new SigmaRefusal("condition " + e.key(), e.line(), e.column(), "a count bound must be a whole number");
            }
            try {
                bounds.put(e.key(), Long.parseLong(s.text().trim()));
            } catch (NumberFormatException notWhole) {
                throw new SigmaRefusal("condition " + e.key(), e.line(), e.column(), "a count bound must be a whole number, not " + s.text());
            }
        }
        if (bounds.isEmpty()) {
            return null;
        }
        SigmaCorrelation.CountCondition condition = new SigmaCorrelation.CountCondition(bounds.get("gt"), bounds.get("gte"), bounds.get("lt"),
                bounds.get("lte"), bounds.get("eq"), bounds.get("neq"), at.line(), at.column());
        Long high = condition.highest();
        if (high != null && high < condition.lowest()) {
            throw new SigmaRefusal("condition", at.line(), at.column(), "no count satisfies " + condition.describe());
        }
        return condition;
    }

    private Duration timespan(YamlNode.Entry entry) throws SigmaRefusal {
        String text = entry.value() instanceof YamlNode.Scalar s ? s.text().trim() : "";
        Matcher m = TIMESPAN.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new SigmaRefusal("timespan " + text, entry.line(), entry.column(),
                    "a timespan is a positive number and a lower-case unit: s, m, h or d (e.g. 90m)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private Map<String, Map<String, String>> aliases(YamlNode.Mapping c) throws SigmaRefusal {
        YamlNode.Entry entry = c.entries().get("aliases");
        if (entry == null) {
            return Map.of();
        }
        if (!(entry.value() instanceof YamlNode.Mapping aliases)) {
            throw new SigmaRefusal("aliases", entry.line(), entry.column(), "aliases map an alias to (rule name → field name)");
        }
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        for (YamlNode.Entry alias : aliases.entries().values()) {
            if (!(alias.value() instanceof YamlNode.Mapping perRule)) {
                throw new SigmaRefusal("alias " + alias.key(), alias.line(), alias.column(), "an alias maps each rule name to its field name");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (YamlNode.Entry e : perRule.entries().values()) {
                if (!(e.value() instanceof YamlNode.Scalar s) || s.isNull()) {
                    throw new SigmaRefusal("alias " + alias.key(), e.line(), e.column(), "the field of rule '" + e.key() + "' must be a field name");
                }
                fields.put(e.key(), s.text());
            }
            result.put(alias.key(), fields);
        }
        return result;
    }

    /** Where a scalar's text starts: after its opening quote when it is quoted. */
    private int textColumn(YamlNode.Scalar s) {
        int line = s.line() - 1;
        int column = s.column();
        if (line >= 0 && line < lines.length && column >= 1 && column <= lines[line].length()) {
            char c = lines[line].charAt(column - 1);
            if (c == '\'' || c == '"') {
                return column + 1;
            }
        }
        return column;
    }

    private static String text(YamlNode.Mapping map, String key) throws SigmaRefusal {
        YamlNode node = map.get(key);
        if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
            return null;
        }
        if (node instanceof YamlNode.Scalar s) {
            return s.text();
        }
        throw new SigmaRefusal(key, node, "'" + key + "' must be a single value, not " + YamlNode.describe(node));
    }

    /** A list of values; a single value is a list of one. */
    private static List<String> texts(YamlNode.Mapping map, String key) throws SigmaRefusal {
        YamlNode node = map.get(key);
        if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
            return List.of();
        }
        if (node instanceof YamlNode.Scalar s) {
            return List.of(s.text());
        }
        if (node instanceof YamlNode.Sequence list) {
            List<String> out = new ArrayList<>();
            for (YamlNode item : list.items()) {
                if (!(item instanceof YamlNode.Scalar s)) {
                    throw new SigmaRefusal(key, item, "'" + key + "' lists plain values");
                }
                if (!s.isNull()) {
                    out.add(s.text());
                }
            }
            return out;
        }
        throw new SigmaRefusal(key, node, "'" + key + "' must be a list of values");
    }

    private static boolean bool(YamlNode.Mapping map, String key, boolean otherwise) throws SigmaRefusal {
        YamlNode node = map.get(key);
        if (node == null) {
            return otherwise;
        }
        if (node instanceof YamlNode.Scalar s && (s.text().equalsIgnoreCase("true") || s.text().equalsIgnoreCase("false"))) {
            return s.text().equalsIgnoreCase("true");
        }
        throw new SigmaRefusal(key, node, "'" + key + "' is true or false");
    }

    private static SigmaRefusal refusal(String construct, YamlNode.Mapping map, String key, String message) {
        YamlNode.Entry e = map.entries().get(key);
        return e == null ? new SigmaRefusal(construct, map, message) : new SigmaRefusal(construct, e.line(), e.column(), message);
    }
}
