package io.trailsentry.alert;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends alerts to a JSON-lines file, one alert a line, skipping any alertId the file already
 * holds: replaying the same input, or re-reading it after a restart, does not duplicate alerts.
 */
public final class JsonlAlertSink implements AlertSink, AutoCloseable {

    private final JsonlAppender file;
    private long unreadable;

    public JsonlAlertSink(Path file) {
        this(file, 0);
    }

    /** @param keepRecent how many of the file's newest alerts to read back for {@link #recentAlerts()} */
    public JsonlAlertSink(Path file, int keepRecent) {
        this.file = new JsonlAppender(file, "/alertId", keepRecent);
    }

    /**
     * The newest alerts the file held when it was opened, oldest first: what {@code GET /alerts}
     * shows after a restart. A line this version cannot read (an older format) is skipped and counted.
     */
    public List<Alert> recentAlerts() {
        List<Alert> alerts = new ArrayList<>();
        for (String line : file.lastLines()) {
            try {
                alerts.add(AlertJson.mapper().readValue(line, Alert.class));
            } catch (JsonProcessingException e) {
                unreadable++;
            }
        }
        return alerts;
    }

    /** Lines {@link #recentAlerts()} could not read back. */
    public long unreadableRecent() {
        return unreadable;
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
