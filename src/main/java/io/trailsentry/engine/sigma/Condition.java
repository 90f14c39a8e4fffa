package io.trailsentry.engine.sigma;

import java.util.List;

/** A parsed Sigma {@code condition:}, before search identifiers are resolved. */
sealed interface Condition {

    record And(List<Condition> operands) implements Condition {
        public And {
            operands = List.copyOf(operands);
        }
    }

    record Or(List<Condition> operands) implements Condition {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    record Not(Condition operand) implements Condition {
    }

    /** A search identifier by name; {@code column} is its offset in the condition text (1-based). */
    record Ref(String name, int column) implements Condition {
    }

    /**
     * {@code 1 of selection_*}, {@code all of them}.
     *
     * @param pattern the identifier pattern with {@code *} wildcards, or null for {@code them}
     */
    record Quantified(boolean all, String pattern, int column) implements Condition {
    }
}
