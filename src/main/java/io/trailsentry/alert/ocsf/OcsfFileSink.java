package io.trailsentry.alert.ocsf;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.alert.JsonlAppender;

import java.nio.file.Path;

/**
 * Appends every alert as an OCSF Detection Finding to a JSON-lines file (one finding a line), for a
 * Security Lake custom source or a SIEM's OCSF reader. Like the alert file, it holds each finding
 * event ({@code metadata.uid}, the alertId) once, so a replay or a restart adds no duplicates.
 */
public final class OcsfFileSink implements AlertSink, AutoCloseable {

    private final OcsfFindingMapper mapper;
    private final JsonlAppender file;

    public OcsfFileSink(Path file, OcsfFindingMapper mapper) {
        this.mapper = mapper;
        this.file = new JsonlAppender(file, "/metadata/uid");
    }

    /** Findings are for people and their SIEM: building blocks and suppressed alerts are left out (the alert file keeps them). */
    @Override
    public void emit(Alert alert) {
        if (alert.forAnalyst()) {
            file.append(alert.alertId(), OcsfJson.write(mapper.map(alert)));
        }
    }

    /** Findings written by this sink (not counting those already in the file). */
    public long count() {
        return file.count();
    }

    public Path file() {
        return file.file();
    }

    @Override
    public void close() {
        file.close();
    }
}
