package io.trailsentry.engine.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a Sigma correlation as EPL on event time. Every referenced rule (or, when chaining, every
 * referenced correlation's output) inserts its matches into one stream with the group-by values
 * worked out per rule (aliases included; a match without a group-by field belongs to no group, as in
 * a SIEM's group-by); the correlation then keeps them in an event-time window:
 *
 * <ul>
 *   <li><b>event_count, value_count, temporal with only lower bounds</b> ({@code gt}, {@code gte},
 *       or temporal's default "all rules"): a sliding window per group and a count table updated as
 *       matches enter and leave it; the rule fires the moment an arriving match takes the count into
 *       the condition, once per burst (the group re-arms when its window drains below the bound).
 *       value_count and temporal keep the latest match per distinct value (per rule) so the count is
 *       the number of distinct values. event_count keeps at most bound + 1 matches per group: below
 *       that the count is exact, so its first alert is the uncapped rule's (as the seed's sliding rule).</li>
 *   <li><b>conditions with an upper bound</b> ({@code lt}, {@code lte}, {@code eq}, {@code neq}):
 *       a count is only final when its window ends, so each group's window starts at its first match
 *       and is judged when it ends.</li>
 *   <li><b>temporal_ordered</b>: per group, the latest start time of a chain that has reached each
 *       step (a table updated in place); the rule fires when the last rule's match completes a chain
 *       that started within the timespan, and the chain starts over.</li>
 * </ul>
 */
final class CorrelationWriter {

    /** One input of a correlation: a detection rule's filter, or a chained correlation's output stream. */
    record Input(SigmaDocument document, String label, String filter, String stream) {
    }

    private final StringBuilder epl;
    private final String prefix;
    private final SigmaCorrelation c;
    private final List<Input> inputs;
    private final List<String> groups = new ArrayList<>();

    /**
     * @param prefix  unique in the module: names this correlation's schema, window and table
     * @param inputs  one per distinct referenced rule, in the order of {@code rules:}
     */
    CorrelationWriter(StringBuilder epl, String prefix, SigmaCorrelation c, List<Input> inputs) {
        this.epl = epl;
        this.prefix = prefix;
        this.c = c;
        this.inputs = inputs;
        int n = Math.max(1, c.groupBy().size());
        for (int i = 0; i < n; i++) {
            groups.add("g" + i);
        }
    }

    /**
     * @param annotations the alert's annotation block, or null when the correlation only feeds another
     * @param output      the stream a chaining correlation reads, or null when none does
     */
    void write(String annotations, String output) throws SigmaRefusal {
        String in = prefix + "_In";
        String recent = prefix + "_Recent";
        long spanMs = c.timespan().toMillis();
        epl.append("// ").append(c.header().label()).append(": ").append(c.type().sigmaName()).append(" within ").append(span(c.timespan()))
                .append(" of event time, grouped by ")
                .append(c.groupBy().isEmpty() ? "nothing (one group)" : String.join(", ", c.groupBy())).append('\n');
        epl.append("create schema ").append(in).append("(rule string, event CloudTrailEvent, evidence CloudTrailEvent[], ")
                .append(columns(" string")).append(", v string);\n\n");
        for (Input input : inputs) {
            writeInput(in, input);
        }
        String row = "(rule string, event CloudTrailEvent, evidence CloudTrailEvent[], " + columns(" string") + ", v string, fresh boolean)";
        if (c.type() == SigmaCorrelation.Type.TEMPORAL_ORDERED) {
            writeOrdered(in, recent, row, spanMs, annotations, output);
        } else if (condition().onlyLowerBounds()) {
            writeSliding(in, recent, row, spanMs, annotations, output);
        } else {
            writeClosing(in, recent, row, spanMs, annotations, output);
        }
    }

    /** A timespan as Sigma writes it: 90m, 1h, 2d. */
    private static String span(java.time.Duration d) {
        long s = d.getSeconds();
        return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** temporal's default condition is "every referenced rule"; the others always have one. */
    private SigmaCorrelation.CountCondition condition() {
        if (c.condition() != null) {
            return c.condition();
        }
        return new SigmaCorrelation.CountCondition(null, (long) inputs.size(), null, null, null, null, c.line(), 1);
    }

    private boolean distinct() {
        return c.type() == SigmaCorrelation.Type.VALUE_COUNT || c.type() == SigmaCorrelation.Type.TEMPORAL;
    }

    private void writeInput(String in, Input input) throws SigmaRefusal {
        String source = input.filter() != null ? "e" : "o.groupEvent";
        List<String> select = new ArrayList<>();
        select.add(SigmaEpl.literal(input.label()) + " as rule");
        if (input.filter() != null) {
            select.add("e as event");
            select.add("{e} as evidence");
        } else {
            select.add("o.groupEvent as event");
            select.add("o.direct as evidence");
        }
        List<String> notNull = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (c.groupBy().isEmpty()) {
                select.add("'' as " + groups.get(i));
            } else {
                SigmaFieldMap.Mapped f = field(c.groupBy().get(i), input);
                select.add(text(f, source) + " as " + groups.get(i));
                notNull.add(f.epl(source) + " is not null");
            }
        }
        if (c.type() == SigmaCorrelation.Type.VALUE_COUNT) {
            List<String> parts = new ArrayList<>();
            for (String name : c.valueField().split(",")) {
                SigmaFieldMap.Mapped f = field(name.trim(), input);
                parts.add(text(f, source));
                notNull.add(f.epl(source) + " is not null");
            }
            select.add(String.join(" || '\\u0001' || ", parts) + " as v");
        } else {
            select.add(SigmaEpl.literal(input.label()) + " as v");
        }
        epl.append("insert into ").append(in).append('\n').append("select ").append(String.join(", ", select)).append('\n');
        if (input.filter() != null) {
            epl.append("from CloudTrailEvent(").append(input.filter()).append(") as e");
        } else {
            epl.append("from ").append(input.stream()).append(" as o");
        }
        // As a SIEM's group-by: an event without a group-by field belongs to no group, and value_count
        // counts the values a field has, so an event without the field has none to count.
        epl.append(notNull.isEmpty() ? "" : "\nwhere " + String.join(" and ", notNull)).append(";\n\n");
    }

    /** A group-by or value field of one input: an alias resolves to that rule's own field. */
    private SigmaFieldMap.Mapped field(String name, Input input) throws SigmaRefusal {
        String fieldName = name;
        Map<String, String> alias = c.aliases().get(name);
        if (alias != null) {
            String ruleName = input.document().header().name();
            fieldName = ruleName == null ? null : alias.get(ruleName);
            if (fieldName == null) {
                throw new SigmaRefusal("alias " + name, c.line(), 1, "the alias names no field for rule '" + input.label()
                        + "'" + (ruleName == null ? " (aliases refer to rules by their 'name:', which it lacks)" : ""));
            }
        }
        return DetectionCompiler.resolve(fieldName, c.line(), 1);
    }

    private static String text(SigmaFieldMap.Mapped f, String alias) {
        String read = f.epl(alias);
        return f.type() == SigmaFieldMap.Type.TEXT ? read : "cast(" + read + ", string)";
    }

    private void writeSliding(String in, String recent, String row, long spanMs, String annotations, String output) {
        SigmaCorrelation.CountCondition condition = condition();
        long bound = condition.lowest();
        String count = prefix + "_Count";
        String window = distinct() ? "#unique(" + columns("") + ", v)#time(" + spanMs + " msec)" : "#time(" + spanMs + " msec)";
        epl.append("create window ").append(recent).append(window).append(' ').append(row).append(";\n");
        epl.append("create table ").append(count).append('(').append(columns(" string primary key")).append(", n count(*));\n\n");
        String key = count + "[" + columns("i.") + "]";
        epl.append("@Priority(20)\ninsert into ").append(recent).append('\n')
                .append("select i.rule as rule, i.event as event, i.evidence as evidence, ").append(columns("i.", " as ")).append(", i.v as v, ");
        if (distinct()) {
            // A match is new when its group has no match of the same value in the window yet.
            epl.append("not exists (select * from ").append(recent).append(" as w where ").append(sameGroup("w", "i"))
                    .append(" and w.v = i.v) as fresh\nfrom ").append(in).append(" as i;\n");
        } else {
            // At most bound + 1 matches per group: the count is exact up to the bound, and a burst
            // that goes on stays above it, so it alerts once.
            epl.append("true as fresh\nfrom ").append(in).append(" as i\nwhere coalesce(").append(key).append(".n, 0) < ").append(bound + 1).append(";\n");
        }
        epl.append("\n@Priority(10)\ninto table ").append(count).append("\nselect count(*) as n from ").append(recent)
                .append(" group by ").append(columns("")).append(";\n");
        epl.append("on pattern [every timer:interval(1 min)] delete from ").append(count).append(" where n = 0;\n\n");
        if (annotations != null) {
            epl.append(annotations);
        }
        if (output != null) {
            epl.append("insert into ").append(output).append('\n');
        }
        String current = count + "[" + columns("e.") + "].n";
        epl.append("select e.event as groupEvent,\n")
                .append("       (select window(w.evidence) from ").append(recent).append(" as w where ").append(sameGroup("w", "e")).append(") as events,\n");
        if (output != null) {
            epl.append("       (select window(w.event) from ").append(recent).append(" as w where ").append(sameGroup("w", "e")).append(") as direct,\n");
        }
        epl.append("       ").append(current).append(" as matchCount\n")
                .append("from ").append(recent).append(" as e\n")
                .append("where e.fresh and ").append(current).append(" = ").append(bound).append(";\n");
    }

    private void writeClosing(String in, String recent, String row, long spanMs, String annotations, String output) {
        SigmaCorrelation.CountCondition condition = condition();
        // Kept a minute longer than the timespan: the window of a group is judged when it ends, and
        // the first match must still be there then.
        epl.append("create window ").append(recent).append("#time(").append(spanMs + 60_000).append(" msec) ").append(row).append(";\n");
        epl.append("@Priority(20)\ninsert into ").append(recent)
                .append(" select i.rule as rule, i.event as event, i.evidence as evidence, ").append(columns("i.", " as "))
                .append(", i.v as v, true as fresh from ").append(in).append(" as i;\n\n");
        String count = distinct() ? "count(distinct w.v)" : "count(*)";
        if (annotations != null) {
            epl.append(annotations);
        }
        epl.append("on pattern [every-distinct(").append(columns("s.")).append(", ").append(spanMs).append(" msec) s=").append(in)
                .append(" -> timer:interval(").append(spanMs).append(" msec)]\n");
        if (output != null) {
            epl.append("insert into ").append(output).append('\n');
        }
        // Only aggregates in the select: one row per ending window (a property of the trigger would
        // make it one row per match).
        epl.append("select first(w.event) as groupEvent, window(w.evidence) as events, ")
                .append(output != null ? "window(w.event) as direct, " : "")
                .append(count).append(" as matchCount\n")
                .append("from ").append(recent).append(" as w\n")
                .append("where ").append(sameGroup("w", "s"))
                .append(" and w.event.eventTimeMillis >= s.event.eventTimeMillis and w.event.eventTimeMillis < s.event.eventTimeMillis + ")
                .append(spanMs).append('\n')
                .append("having ").append(condition.epl(count)).append(";\n");
    }

    private void writeOrdered(String in, String recent, String row, long spanMs, String annotations, String output) throws SigmaRefusal {
        if (c.condition() != null && !(c.condition().onlyLowerBounds() && c.condition().lowest() == inputs.size())) {
            throw new SigmaRefusal("condition", c.condition().line(), c.condition().column(),
                    "temporal_ordered needs every rule in order; a condition other than all " + inputs.size() + " rules is not supported");
        }
        List<String> steps = new ArrayList<>();
        for (SigmaCorrelation.Reference ref : c.rules()) {
            steps.add(labelOf(ref));
        }
        int k = steps.size();
        String seq = prefix + "_Seq";
        epl.append("create window ").append(recent).append("#time(").append(spanMs).append(" msec) ").append(row).append(";\n");
        epl.append("@Priority(20)\ninsert into ").append(recent)
                .append(" select i.rule as rule, i.event as event, i.evidence as evidence, ").append(columns("i.", " as "))
                .append(", i.v as v, true as fresh from ").append(in).append(" as i;\n");
        // s<i>: the latest start time of a chain of this group that has reached step i.
        List<String> starts = new ArrayList<>();
        for (int i = 0; i < k - 1; i++) {
            starts.add("s" + i);
        }
        epl.append("create table ").append(seq).append('(').append(columns(" string primary key")).append(", ")
                .append(String.join(", ", starts.stream().map(s -> s + " long").toList())).append(");\n\n");
        String last = "s" + (k - 2);
        String reached = seq + "[" + columns("e.") + "]." + last;
        if (annotations != null) {
            epl.append(annotations);
        }
        epl.append("@Priority(5)\n");
        if (output != null) {
            epl.append("insert into ").append(output).append('\n');
        }
        String chain = sameGroup("w", "e") + " and w.event.eventTimeMillis >= " + reached;
        epl.append("select e.event as groupEvent,\n")
                .append("       (select window(w.evidence) from ").append(recent).append(" as w where ").append(chain).append(") as events,\n");
        if (output != null) {
            epl.append("       (select window(w.event) from ").append(recent).append(" as w where ").append(chain).append(") as direct,\n");
        }
        epl.append("       ").append(k).append(" as matchCount\n")
                .append("from ").append(recent).append("(rule = ").append(SigmaEpl.literal(steps.get(k - 1))).append(") as e\n")
                .append("where ").append(reached).append(" is not null and e.event.eventTimeMillis - ").append(reached)
                .append(" <= ").append(spanMs).append(";\n\n");
        // After the alert has read the chain (lower priority): advance every chain this match extends,
        // from the last step down so one match never counts for two consecutive steps.
        String time = "i.event.eventTimeMillis";
        epl.append("@Priority(1)\non ").append(recent).append(" as i merge ").append(seq).append(" as t where ").append(sameGroup("t", "i")).append('\n');
        epl.append("when not matched and i.rule = ").append(SigmaEpl.literal(steps.get(0))).append(" then insert select ")
                .append(columns("i.", " as ")).append(", ").append(time).append(" as s0\n");
        epl.append("when matched and i.rule = ").append(SigmaEpl.literal(steps.get(k - 1))).append(" and t.").append(last)
                .append(" is not null and ").append(time).append(" - t.").append(last).append(" <= ").append(spanMs).append(" then delete\n");
        epl.append("when matched then update set ");
        List<String> sets = new ArrayList<>();
        for (int i = k - 2; i >= 1; i--) {
            String prev = "t.s" + (i - 1);
            sets.add("s" + i + " = case when i.rule = " + SigmaEpl.literal(steps.get(i)) + " and " + prev + " is not null and " + time
                    + " - " + prev + " <= " + spanMs + " then max(coalesce(t.s" + i + ", 0L), " + prev + ") else t.s" + i + " end");
        }
        sets.add("s0 = case when i.rule = " + SigmaEpl.literal(steps.get(0)) + " then " + time + " else t.s0 end");
        epl.append(String.join(",\n    ", sets)).append(";\n");
        String newest = starts.size() == 1 ? "coalesce(s0, 0L)"
                : "max(" + String.join(", ", starts.stream().map(s -> "coalesce(" + s + ", 0L)").toList()) + ")";
        epl.append("on pattern [every timer:interval(1 min)] delete from ").append(seq).append(" where ").append(newest)
                .append(" < current_timestamp() - ").append(spanMs).append(";\n");
    }

    private String labelOf(SigmaCorrelation.Reference ref) {
        for (Input input : inputs) {
            if (input.document().answersTo(ref.target())) {
                return input.label();
            }
        }
        return ref.target();
    }

    private String columns(String suffix) {
        return String.join(", ", groups.stream().map(g -> suffix.startsWith(" ") ? g + suffix : suffix + g).toList());
    }

    /** {@code i.g0 as g0, i.g1 as g1}. */
    private String columns(String qualifier, String as) {
        return String.join(", ", groups.stream().map(g -> qualifier + g + as + g).toList());
    }

    private String sameGroup(String a, String b) {
        return String.join(" and ", groups.stream().map(g -> a + "." + g + " = " + b + "." + g).toList());
    }
}
