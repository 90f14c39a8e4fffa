package io.trailsentry.engine.sigma;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Sigma correlation rule (specification 2.x): counts, distinct values or sequences of the events
 * other rules match, per group, within a timespan.
 *
 * @param rules      the referenced rules' ids or names, in order (the order matters for temporal_ordered)
 * @param groupBy    field names or alias names; empty means one group for everything
 * @param condition  the count condition; for temporal types null means "all referenced rules"
 * @param valueField value_count's {@code condition.field}, else null
 * @param aliases    alias name → (rule name → field name)
 * @param generate   whether the referenced rules also alert on their own
 */
record SigmaCorrelation(String file, int index, SigmaHeader header, Type type, List<Reference> rules, List<String> groupBy,
                        Duration timespan, CountCondition condition, String valueField, Map<String, Map<String, String>> aliases,
                        boolean generate, int line) implements SigmaDocument {

    SigmaCorrelation {
        rules = List.copyOf(rules);
        groupBy = List.copyOf(groupBy);
        aliases = Map.copyOf(aliases);
    }

    enum Type {
        EVENT_COUNT, VALUE_COUNT, TEMPORAL, TEMPORAL_ORDERED;

        String sigmaName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A {@code rules:} entry and where it is written. */
    record Reference(String target, int line, int column) {
    }

    /**
     * The count condition: every bound given must hold ({@code gt: 100, lte: 200} is a range).
     * Null bounds are absent.
     */
    record CountCondition(Long gt, Long gte, Long lt, Long lte, Long eq, Long neq, int line, int column) {

        /** The smallest count that satisfies every lower bound (1 when there is none). */
        long lowest() {
            long low = 1;
            if (gt != null) low = Math.max(low, gt + 1);
            if (gte != null) low = Math.max(low, gte);
            if (eq != null) low = Math.max(low, eq);
            return low;
        }

        /** True when only lower bounds are given: the count satisfies it from the moment it reaches {@link #lowest()}. */
        boolean onlyLowerBounds() {
            return lt == null && lte == null && eq == null && neq == null;
        }

        /** The largest count that can still satisfy the condition, or null when unbounded. */
        Long highest() {
            Long high = null;
            if (lt != null) high = lt - 1;
            if (lte != null) high = high == null ? lte : Math.min(high, lte);
            if (eq != null) high = high == null ? eq : Math.min(high, eq);
            return high;
        }

        /** The condition as an EPL boolean expression over {@code count}. */
        String epl(String count) {
            List<String> parts = new java.util.ArrayList<>();
            if (gt != null) parts.add(count + " > " + gt);
            if (gte != null) parts.add(count + " >= " + gte);
            if (lt != null) parts.add(count + " < " + lt);
            if (lte != null) parts.add(count + " <= " + lte);
            if (eq != null) parts.add(count + " = " + eq);
            if (neq != null) parts.add(count + " != " + neq);
            return String.join(" and ", parts);
        }

        /** As written, for descriptions: {@code gt 50}, {@code gt 100 and lte 200}. */
        String describe() {
            List<String> parts = new java.util.ArrayList<>();
            if (gt != null) parts.add("more than " + gt);
            if (gte != null) parts.add("at least " + gte);
            if (lt != null) parts.add("fewer than " + lt);
            if (lte != null) parts.add("at most " + lte);
            if (eq != null) parts.add("exactly " + eq);
            if (neq != null) parts.add("other than " + neq);
            return String.join(" and ", parts);
        }
    }
}
