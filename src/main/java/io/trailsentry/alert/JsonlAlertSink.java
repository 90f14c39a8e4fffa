package io.trailsentry.alert;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.file.Path;

/**
 * Appends alerts to a JSON-lines file, one alert a line, skipping any alertId the file already
 * holds: replaying the same input, or re-reading it after a restart, does not duplicate alerts.
 */
public final class JsonlAlertSink implements AlertSink, AutoCloseable {

    private final JsonlAppender file;

    public JsonlAlertSink(Path file) {
        this.file = new JsonlAppender(file, "/alertId");
    }

    @Override
    public void emit(Alert alert) {
        String json;
        try {
            json = AlertJson.mapper().writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write alert " + alert.alertId() + " as JSON: " + e.getMessage(), e);
        }
        file.append(alert.alertId(), json);
    }

    /** Alerts written by this sink (not counting those already in the file). */
    public long count() {
        return file.count();
    }

    public long skippedDuplicates() {
        return file.skippedDuplicates();
    }

    public Path file() {
        return file.file();
    }

    @Override
    public void close() {
        file.close();
    }
}
