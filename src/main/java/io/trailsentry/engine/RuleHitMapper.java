package io.trailsentry.engine;

import com.espertech.esper.common.client.EventBean;
import io.trailsentry.ingest.CloudTrailEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a rule statement's output row into a {@link RuleHit}, filling what the row leaves out from its evidence. */
final class RuleHitMapper {

    private static final Set<String> WELL_KNOWN = Set.of(
            "principalId", "principalArn", "accountId", "eventCount", "windowStart", "windowEnd", "events", "trigger");

    /** Event time, then eventID: one order for evidence whatever order a rule's collection came in. */
    private static final Comparator<CloudTrailEvent> EVIDENCE_ORDER = Comparator.comparingLong(CloudTrailEvent::getEventTimeMillis)
            .thenComparing(CloudTrailEvent::getEventID, Comparator.nullsFirst(Comparator.naturalOrder()));

    private RuleHitMapper() {
    }

    static RuleHit map(RuleMetadata rule, EventBean row, long engineTime) {
        Object underlying = row.getUnderlying();
        if (underlying instanceof CloudTrailEvent single) {
            return fromEvidence(rule, List.of(single), Map.of(), engineTime, single);
        }
        Map<String, Object> values = new HashMap<>();
        for (String property : row.getEventType().getPropertyNames()) {
            Object value = row.get(property);
            if (value != null) {
                values.put(property, value);
            }
        }
        List<CloudTrailEvent> evidence = evidenceOf(values.get("events"));
        // A sequence rule selects what came before as events and the call that completed it as trigger.
        List<CloudTrailEvent> trigger = evidenceOf(values.get("trigger"));
        if (!trigger.isEmpty()) {
            evidence = new ArrayList<>(evidence);
            evidence.addAll(trigger);
        }
        // A row that names its trigger (a sequence's last step, a rule's "e as trigger") is one
        // detection per trigger; a window row is one per key and window, which its evidence gives.
        // The latest call by event time, ties by eventID: a rule's collection can come out of a hash
        // index in any order, and the alert id must not depend on it.
        CloudTrailEvent triggerEvent = trigger.stream().max(EVIDENCE_ORDER).orElse(null);
        RuleHit derived = fromEvidence(rule, evidence, extraColumns(values), engineTime, triggerEvent);
        return new RuleHit(rule,
                stringOr(values.get("principalId"), derived.principalId()),
                stringOr(values.get("principalArn"), derived.principalArn()),
                stringOr(values.get("accountId"), derived.accountId()),
                longOr(values.get("windowStart"), derived.windowStart()),
                longOr(values.get("windowEnd"), derived.windowEnd()),
                longOr(values.get("eventCount"), derived.count()),
                evidence,
                derived.columns(),
                engineTime,
                triggerEvent);
    }

    private static RuleHit fromEvidence(RuleMetadata rule, List<CloudTrailEvent> evidence, Map<String, Object> columns, long engineTime,
                                        CloudTrailEvent trigger) {
        List<CloudTrailEvent> sorted = new ArrayList<>(evidence);
        sorted.sort(EVIDENCE_ORDER);
        CloudTrailEvent first = sorted.isEmpty() ? null : sorted.get(0);
        long start = first == null ? engineTime : first.getEventTimeMillis();
        long end = sorted.isEmpty() ? engineTime : sorted.get(sorted.size() - 1).getEventTimeMillis();
        return new RuleHit(rule,
                first == null ? null : first.getPrincipalId(),
                first == null ? null : first.getArn(),
                first == null ? null : first.getAccountId(),
                start, end, sorted.size(), sorted, columns, engineTime, trigger);
    }

    private static List<CloudTrailEvent> evidenceOf(Object events) {
        List<CloudTrailEvent> out = new ArrayList<>();
        Set<CloudTrailEvent> nested = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (events instanceof Object[] array) {
            for (Object o : array) {
                addEvent(out, o, nested);
            }
        } else if (events instanceof Collection<?> collection) {
            for (Object o : collection) {
                addEvent(out, o, nested);
            }
        } else if (events != null) {
            addEvent(out, events, nested);
        }
        return out;
    }

    /**
     * An element may itself be a list of events: a correlation of correlations (Sigma chaining)
     * selects each inner hit's evidence, and inner hits that overlap in time share events, which
     * are kept once.
     */
    private static void addEvent(List<CloudTrailEvent> out, Object o, Set<CloudTrailEvent> nested) {
        if (o instanceof CloudTrailEvent e) {
            out.add(e);
        } else if (o instanceof EventBean bean && bean.getUnderlying() instanceof CloudTrailEvent e) {
            out.add(e);
        } else if (o instanceof Object[] inner) {
            for (Object x : inner) {
                addNested(out, x, nested);
            }
        } else if (o instanceof Collection<?> inner) {
            for (Object x : inner) {
                addNested(out, x, nested);
            }
        }
    }

    private static void addNested(List<CloudTrailEvent> out, Object o, Set<CloudTrailEvent> nested) {
        if (o instanceof Object[] || o instanceof Collection<?>) {
            addEvent(out, o, nested);
            return;
        }
        CloudTrailEvent e = o instanceof CloudTrailEvent c ? c
                : o instanceof EventBean bean && bean.getUnderlying() instanceof CloudTrailEvent c ? c : null;
        if (e != null && nested.add(e)) {
            out.add(e);
        }
    }

    private static Map<String, Object> extraColumns(Map<String, Object> values) {
        Map<String, Object> extra = new HashMap<>(values);
        extra.keySet().removeAll(WELL_KNOWN);
        return extra;
    }

    private static String stringOr(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }

    private static long longOr(Object value, long fallback) {
        return value instanceof Number n ? n.longValue() : fallback;
    }
}
