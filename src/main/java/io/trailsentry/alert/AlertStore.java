package io.trailsentry.alert;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The most recent alerts in memory, newest first, for {@code GET /alerts}. Bounded: the oldest
 * alert is dropped when the store is full (the JSONL file keeps everything).
 */
public final class AlertStore implements AlertSink {

    private final int capacity;
    private final ArrayDeque<Alert> alerts;

    public AlertStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("alert store capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.alerts = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    @Override
    public synchronized void emit(Alert alert) {
        if (alerts.size() == capacity) {
            alerts.removeLast();
        }
        alerts.addFirst(alert);
    }

    /** Alerts matching the query, newest first, at most {@code query.limit()}. */
    public synchronized List<Alert> find(AlertQuery query) {
        List<Alert> out = new ArrayList<>();
        for (Iterator<Alert> it = alerts.iterator(); it.hasNext() && out.size() < query.limit(); ) {
            Alert alert = it.next();
            if (query.matches(alert)) {
                out.add(alert);
            }
        }
        return out;
    }

    public synchronized int size() {
        return alerts.size();
    }

    /**
     * Puts back alerts written before a restart (oldest first, as they were emitted), so
     * {@code GET /alerts} answers with recent history at once; only the newest {@code capacity} stay.
     */
    public synchronized void restore(List<Alert> oldestFirst) {
        for (Alert alert : oldestFirst) {
            emit(alert);
        }
    }

    /**
     * @param minSeverity lowest severity to include, or null for all
     * @param principal   matches principalId, principalArn, name, actor name or actor key exactly, or null
     * @param from        windowEnd at or after this instant, or null
     * @param to          windowStart before this instant, or null
     * @param kinds       which kinds to include ({@link AlertKind#parseInclude}); alerts for people by default
     */
    public record AlertQuery(io.trailsentry.engine.Severity minSeverity, String principal, Instant from, Instant to, int limit,
                             java.util.Set<AlertKind> kinds) {

        public AlertQuery(io.trailsentry.engine.Severity minSeverity, String principal, Instant from, Instant to, int limit) {
            this(minSeverity, principal, from, to, limit, java.util.Set.of(AlertKind.ALERT));
        }

        boolean matches(Alert alert) {
            if (!kinds.contains(AlertKind.of(alert))) {
                return false;
            }
            if (minSeverity != null && alert.rating().severity().ordinal() < minSeverity.ordinal()) {
                return false;
            }
            if (principal != null && !principal.equals(alert.actor().principalId()) && !principal.equals(alert.actor().principalArn())
                    && !principal.equals(alert.actor().name()) && !principal.equals(alert.actor().actorName())
                    && !principal.equals(alert.actor().actorKey())) {
                return false;
            }
            if (from != null && alert.window().windowEnd().isBefore(from)) {
                return false;
            }
            return to == null || alert.window().windowStart().isBefore(to);
        }
    }
}
