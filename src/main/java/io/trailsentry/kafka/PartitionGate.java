package io.trailsentry.kafka;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.ingest.DeadLetterSink;

import java.util.List;

/**
 * Stands between one partition's pipeline and the shared sinks. While the partition's lookback is
 * replayed it lets nothing through: whatever that input yields was already written when it was first
 * consumed (its offsets are committed, so its alerts and dead letters were confirmed), and
 * whatever it yields only because the replay starts mid-window is an artefact. Once the replay has
 * reached the committed offset the gate opens for good.
 */
final class PartitionGate implements AlertSink, DeadLetterSink {

    private final List<AlertSink> alertSinks;
    private final DeadLetterSink deadLetters;
    private boolean replaying = true;
    private long suppressedAlerts;

    PartitionGate(List<AlertSink> alertSinks, DeadLetterSink deadLetters) {
        this.alertSinks = List.copyOf(alertSinks);
        this.deadLetters = deadLetters;
    }

    /** The replay reached the committed offset: from now on everything is new and goes out. */
    void open() {
        replaying = false;
    }

    boolean replaying() {
        return replaying;
    }

    long suppressedAlerts() {
        return suppressedAlerts;
    }

    @Override
    public void emit(Alert alert) {
        if (replaying) {
            suppressedAlerts++;
            return;
        }
        // Each sink on its own: the pipeline already isolates failures per sink, and this gate is one sink to it.
        RuntimeException first = null;
        for (AlertSink sink : alertSinks) {
            try {
                sink.emit(alert);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void accept(DeadLetter deadLetter) {
        if (!replaying) {
            deadLetters.accept(deadLetter);
        }
    }
}
