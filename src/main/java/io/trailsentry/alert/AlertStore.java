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
     * @param minSeverity lowest severity to include, or null for all
     * @param principal   matches principalId, principalArn or name exactly, or null
     * @param from        windowEnd at or after this instant, or null
     * @param to          windowStart before this instant, or null
     */
    public record AlertQuery(io.trailsentry.engine.Severity minSeverity, String principal, Instant from, Instant to, int limit) {

        boolean matches(Alert alert) {
            if (minSeverity != null && io.trailsentry.engine.Severity.parse(alert.severity()).ordinal() < minSeverity.ordinal()) {
                return false;
            }
            if (principal != null && !principal.equals(alert.principalId()) && !principal.equals(alert.principalArn())
                    && !principal.equals(alert.name())) {
                return false;
            }
            if (from != null && alert.windowEnd().isBefore(from)) {
                return false;
            }
            return to == null || alert.windowStart().isBefore(to);
        }
    }
}
