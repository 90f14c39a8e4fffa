package io.trailsentry.backtest;

import io.trailsentry.alert.Alert;
import io.trailsentry.engine.Severity;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a changed rule set would have done differently over the same input: the alerts and incidents
 * an analyst would have been sent ({@link Alert#forAnalyst}) only by the new set, only by the
 * baseline, and by both but differently. Building blocks and allowlist-suppressed alerts page no one,
 * so an allowlist entry shows as alerts gone. Signals are matched by alert id (rule, key and
 * triggering event or window: the same detection has the same id in both runs); incidents by
 * incident id (actor and first signal time) and compared in their last state.
 *
 * @param events      events replayed (between --from and --to)
 * @param rejected    records that could not be read
 * @param capped      the event cap stopped both sets before the end of the input: the diff covers the
 *                    first {@code events} events of the window only
 * @param seconds     wall-clock time of both runs together
 * @param baseline    alerts for analysts the baseline raised (signals and incidents)
 * @param changed     alerts for analysts the changed set raised
 * @param differences every difference, in time order
 */
public record BacktestDiff(long events, long rejected, boolean capped, double seconds, Totals baseline, Totals changed, List<Difference> differences) {

    public BacktestDiff {
        differences = List.copyOf(differences);
    }

    /** @param signals rule signals sent to analysts; @param incidents incidents sent to analysts */
    public record Totals(int signals, int incidents) {
    }

    public enum Kind { NEW, GONE, CHANGED }

    /**
     * One alert or incident that differs.
     *
     * @param incident true for an incident (ruleId {@code trailsentry-incident}), false for a rule's signal
     * @param id       the alert id (a signal) or incident id
     * @param actor    the actor's name
     * @param time     when it started (window start, or the incident's first signal)
     * @param before   its severity in the baseline, null when new
     * @param after    its severity in the changed set, null when gone
     * @param detail   what changed (severity, stages, score), or the severity reason of a new or gone one
     */
    public record Difference(Kind kind, boolean incident, String id, String ruleId, String ruleName, String actor, Instant time,
                             Severity before, Severity after, String detail) {

        public LocalDate day() {
            return time.atZone(ZoneOffset.UTC).toLocalDate();
        }
    }

    /** Differences of one kind for one rule and actor, counted per UTC day. */
    public record Group(Kind kind, String ruleId, String actor, SortedMap<LocalDate, Integer> perDay) {

        public int total() {
            return perDay.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** New alerts for analysts: new signals plus new incidents, what {@code --max-new-alerts} bounds. */
    public long newAlerts() {
        return differences.stream().filter(d -> d.kind() == Kind.NEW).count();
    }

    public long count(Kind kind, boolean incidents) {
        return differences.stream().filter(d -> d.kind() == kind && d.incident() == incidents).count();
    }

    /** Differences grouped by kind, rule and actor (in that order), each with its count per day. */
    public List<Group> groups() {
        Map<GroupKey, SortedMap<LocalDate, Integer>> groups = new TreeMap<>(Comparator.comparing(GroupKey::kind)
                .thenComparing(GroupKey::ruleId).thenComparing(GroupKey::actor));
        for (Difference d : differences) {
            groups.computeIfAbsent(new GroupKey(d.kind(), d.ruleId(), String.valueOf(d.actor())), k -> new TreeMap<>())
                    .merge(d.day(), 1, Integer::sum);
        }
        List<Group> out = new ArrayList<>();
        groups.forEach((k, perDay) -> out.add(new Group(k.kind(), k.ruleId(), k.actor(), perDay)));
        return out;
    }

    private record GroupKey(Kind kind, String ruleId, String actor) {
    }

    static BacktestDiff of(List<Alert> baselineAlerts, List<Alert> changedAlerts, long events, long rejected, double seconds, boolean capped) {
        Map<String, Alert> beforeSignals = signals(baselineAlerts);
        Map<String, Alert> afterSignals = signals(changedAlerts);
        Map<String, Alert> beforeIncidents = incidents(baselineAlerts);
        Map<String, Alert> afterIncidents = incidents(changedAlerts);
        List<Difference> differences = new ArrayList<>();
        compare(beforeSignals, afterSignals, false, differences);
        compare(beforeIncidents, afterIncidents, true, differences);
        differences.sort(Comparator.comparing(Difference::time).thenComparing(Difference::kind).thenComparing(Difference::id));
        return new BacktestDiff(events, rejected, capped, seconds,
                new Totals(beforeSignals.size(), beforeIncidents.size()), new Totals(afterSignals.size(), afterIncidents.size()), differences);
    }

    /** Rule signals an analyst is sent, by alert id. */
    private static Map<String, Alert> signals(List<Alert> alerts) {
        Map<String, Alert> byId = new LinkedHashMap<>();
        for (Alert a : alerts) {
            if (!a.isIncident() && a.forAnalyst()) {
                byId.put(a.alertId(), a);
            }
        }
        return byId;
    }

    /**
     * Incidents an analyst is sent, by incident id, each in its last state (the last incident alert
     * raised for it; an incident that later became suppressed or a building block is not sent any more).
     */
    private static Map<String, Alert> incidents(List<Alert> alerts) {
        Map<String, Alert> last = new LinkedHashMap<>();
        for (Alert a : alerts) {
            if (a.isIncident() && a.incident() != null && a.incident().incidentId() != null) {
                last.put(a.incident().incidentId(), a);
            }
        }
        last.values().removeIf(a -> !a.forAnalyst());
        return last;
    }

    private static void compare(Map<String, Alert> before, Map<String, Alert> after, boolean incidents, List<Difference> into) {
        for (Map.Entry<String, Alert> e : after.entrySet()) {
            Alert was = before.get(e.getKey());
            Alert now = e.getValue();
            if (was == null) {
                into.add(difference(Kind.NEW, incidents, e.getKey(), now, null, now.rating().severity(), now.rating().severityReason()));
            } else {
                String changes = changes(was, now, incidents);
                if (!changes.isEmpty()) {
                    into.add(difference(Kind.CHANGED, incidents, e.getKey(), now, was.rating().severity(), now.rating().severity(), changes));
                }
            }
        }
        for (Map.Entry<String, Alert> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                Alert was = e.getValue();
                into.add(difference(Kind.GONE, incidents, e.getKey(), was, was.rating().severity(), null, was.rating().severityReason()));
            }
        }
    }

    /** Severity for both; stages and score too for an incident. Empty when nothing an analyst sees differs. */
    private static String changes(Alert was, Alert now, boolean incident) {
        List<String> changes = new ArrayList<>();
        if (was.rating().severity() != now.rating().severity()) {
            changes.add("severity " + was.rating().severity() + " -> " + now.rating().severity());
        }
        if (incident && !Objects.equals(was.stages(), now.stages())) {
            changes.add("stages " + was.stages() + " -> " + now.stages());
        }
        if (incident && was.score() != now.score()) {
            changes.add("score " + was.score() + " -> " + now.score());
        }
        return String.join("; ", changes);
    }

    private static Difference difference(Kind kind, boolean incident, String id, Alert a, Severity before, Severity after, String detail) {
        Instant time = a.window() != null && a.window().windowStart() != null ? a.window().windowStart() : Instant.EPOCH;
        String actor = a.actor() == null ? null : (a.actor().actorName() != null ? a.actor().actorName() : a.actor().principalId());
        return new Difference(kind, incident, id, a.rule().ruleId(), a.rule().ruleName(), actor, time, before, after, detail);
    }
}
