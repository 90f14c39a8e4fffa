package io.trailsentry.alert.webhook;

import io.trailsentry.alert.Alert;

import java.time.Instant;

/**
 * A webhook dead letter: the alert as it is (so it can be sent again: {@code jq -c .alert}), and why
 * it was not delivered.
 *
 * @param failedAt   wall-clock time it was given up
 * @param reason     e.g. {@code HTTP 500 after 5 attempt(s)}, {@code queue full (capacity 1000)}
 * @param attempts   requests made for it (0 when it never left the queue)
 * @param lastStatus the last HTTP status received, or null when none (connection refused, timeout, never sent)
 */
public record UndeliveredAlert(Instant failedAt, String reason, int attempts, Integer lastStatus, Alert alert) {
}
