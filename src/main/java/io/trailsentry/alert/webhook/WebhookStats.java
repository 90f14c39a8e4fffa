package io.trailsentry.alert.webhook;

/**
 * What the webhook sink did so far; each undelivered alert is counted once, as failed or dropped, and
 * written to the dead letters.
 *
 * @param sent        alerts the endpoint accepted (2xx)
 * @param retried     requests repeated after a failure (one alert may be retried several times)
 * @param failed      alerts given up after their attempts, or refused with a status retrying cannot fix
 * @param dropped     alerts never sent: the queue was full, or the sink was shutting down
 * @param filtered    alerts below the minimum severity, not meant for this endpoint
 * @param queued      alerts waiting for delivery now
 * @param deadLetters undelivered alerts written to the dead-letter file
 */
public record WebhookStats(long sent, long retried, long failed, long dropped, long filtered, int queued, long deadLetters) {
}
