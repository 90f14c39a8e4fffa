package io.trailsentry.engine.sigma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A detection as a boolean expression in negation normal form, rendered to an EPL filter.
 *
 * <p>Why NNF: Sigma's logic is two-valued (an absent field simply does not match, so
 * {@code not filter} is true for an event without the field), while EPL's is three-valued
 * ({@code not (userAgent like '%x%')} is null, hence false, when userAgent is null). Pushing every
 * {@code not} down to the comparisons lets each one say what its negation means for a missing
 * field ({@code userAgent is null or …}), and keeps the positive comparisons in the plain forms
 * Esper's filter index can use ({@code eventName = 'X'}, {@code lower(f) in (…)}).
 */
sealed interface BoolExpr {

    BoolExpr negate();

    String render();

    static BoolExpr all(List<BoolExpr> operands) {
        return operands.size() == 1 ? operands.get(0) : new All(flatten(operands, All.class));
    }

    static BoolExpr any(List<BoolExpr> operands) {
        return operands.size() == 1 ? operands.get(0) : new Any(flatten(operands, Any.class));
    }

    private static List<BoolExpr> flatten(List<BoolExpr> operands, Class<?> kind) {
        List<BoolExpr> out = new ArrayList<>();
        for (BoolExpr o : operands) {
            if (kind.isInstance(o)) {
                out.addAll(o instanceof All a ? a.operands() : ((Any) o).operands());
            } else {
                out.add(o);
            }
        }
        return out;
    }

    /** AND. */
    record All(List<BoolExpr> operands) implements BoolExpr {
        public All {
            operands = List.copyOf(operands);
        }

        @Override
        public BoolExpr negate() {
            return any(operands.stream().map(BoolExpr::negate).toList());
        }

        @Override
        public String render() {
            List<String> parts = new ArrayList<>();
            for (BoolExpr o : merge(operands, true)) {
                // An OR of one field's values renders as a single 'in', which needs no parentheses.
                boolean compound = o instanceof Any any && merge(any.operands(), false).size() > 1;
                parts.add(compound ? "(" + o.render() + ")" : o.render());
            }
            return String.join(" and ", parts);
        }
    }

    /** OR. */
    record Any(List<BoolExpr> operands) implements BoolExpr {
        public Any {
            operands = List.copyOf(operands);
        }

        @Override
        public BoolExpr negate() {
            return all(operands.stream().map(BoolExpr::negate).toList());
        }

        @Override
        public String render() {
            List<String> parts = new ArrayList<>();
            for (BoolExpr o : merge(operands, false)) {
                boolean compound = o instanceof All all && merge(all.operands(), true).size() > 1;
                parts.add(compound ? "(" + o.render() + ")" : o.render());
            }
            return String.join(" or ", parts);
        }
    }

    /**
     * A comparison with its two-valued negation spelled out.
     *
     * @param positive EPL that is true when the comparison holds (null counts as false)
     * @param negative EPL that is true exactly when it does not, missing field included
     */
    record Atom(String positive, String negative) implements BoolExpr {
        @Override
        public BoolExpr negate() {
            return new Atom(negative, positive);
        }

        @Override
        public String render() {
            return positive;
        }
    }

    /**
     * {@code lhs = v} or {@code lhs in (v1, v2)}; negated, {@code lhs not in (…)}, guarded by
     * {@code guard is null or …} when the field may be missing. Kept apart from {@link Atom} so
     * the values of one field merge into a single {@code in} list the filter index can use.
     *
     * @param literals EPL literals, already quoted
     * @param guard    the field that may be missing, or null when every event has it
     */
    record InList(String lhs, List<String> literals, String guard, boolean negated) implements BoolExpr {
        public InList {
            literals = List.copyOf(literals);
        }

        @Override
        public BoolExpr negate() {
            return new InList(lhs, literals, guard, !negated);
        }

        @Override
        public String render() {
            String list = literals.size() == 1 ? null : "(" + String.join(", ", literals) + ")";
            if (!negated) {
                return list == null ? lhs + " = " + literals.get(0) : lhs + " in " + list;
            }
            String test = list == null ? lhs + " != " + literals.get(0) : lhs + " not in " + list;
            return guard == null ? test : "(" + guard + " is null or " + test + ")";
        }
    }

    /**
     * Same-field value lists merge: under OR the positive lists ({@code a = 1 or a = 2} →
     * {@code a in (1, 2)}), under AND the negated ones ({@code not in} both).
     */
    private static List<BoolExpr> merge(List<BoolExpr> operands, boolean conjunction) {
        Map<String, InList> byField = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>();
        for (BoolExpr o : operands) {
            if (o instanceof InList in && in.negated() == conjunction) {
                String key = in.lhs() + "\u0000" + Objects.toString(in.guard());
                InList previous = byField.get(key);
                if (previous == null) {
                    byField.put(key, in);
                    order.add(key);
                } else {
                    List<String> literals = new ArrayList<>(previous.literals());
                    in.literals().stream().filter(l -> !literals.contains(l)).forEach(literals::add);
                    byField.put(key, new InList(in.lhs(), literals, in.guard(), in.negated()));
                }
            } else {
                order.add(o);
            }
        }
        List<BoolExpr> out = new ArrayList<>();
        for (Object o : order) {
            out.add(o instanceof String key ? byField.get(key) : (BoolExpr) o);
        }
        return out;
    }
}
