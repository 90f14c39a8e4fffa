package io.trailsentry.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Appends alerts to a JSON-lines file, one alert a line, skipping any alertId the file already
 * holds: replaying the same input, or re-reading it after a restart, does not duplicate alerts.
 */
public final class JsonlAlertSink implements AlertSink, AutoCloseable {

    private final Path file;
    private final BufferedWriter writer;
    private final Set<String> written = new HashSet<>();
    private long count;
    private long skippedDuplicates;

    public JsonlAlertSink(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (Files.exists(file)) {
                loadExistingIds();
            }
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open alert file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void emit(Alert alert) {
        if (!written.add(alert.alertId())) {
            skippedDuplicates++;
            return;
        }
        try {
            writer.write(AlertJson.mapper().writeValueAsString(alert));
            writer.write('\n');
            // Flushed per alert: alerts are rare next to events, and a SOC tailing the file must see them now.
            writer.flush();
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write alert to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Alerts written by this sink (not counting those already in the file). */
    public synchronized long count() {
        return count;
    }

    public synchronized long skippedDuplicates() {
        return skippedDuplicates;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void loadExistingIds() throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(line -> !line.isBlank()).forEach(line -> {
                try {
                    JsonNode id = AlertJson.mapper().readTree(line).get("alertId");
                    if (id != null && id.isTextual()) {
                        written.add(id.asText());
                    }
                } catch (JsonProcessingException partialLastLine) {
                    // a line cut short by a crash: its alert will be written again, whole
                }
            });
        }
    }
}
