package io.trailsentry.alert.webhook;

import io.trailsentry.alert.AlertJson;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends alerts the webhook could not deliver to a JSON-lines file, one {@link UndeliveredAlert} a
 * line, flushed as written. Thread-safe: the engine thread writes the alerts a full queue refuses,
 * the delivery thread those whose retries ran out. A failed write never throws (neither thread may
 * die of a full disk); it is counted and logged once, so the loss shows.
 */
final class WebhookDeadLetters implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WebhookDeadLetters.class);

    private final Path file;
    private BufferedWriter writer;
    private long written;
    private long writeFailures;

    WebhookDeadLetters(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    synchronized void write(UndeliveredAlert undelivered) {
        try {
            String line = AlertJson.mapper().writeValueAsString(undelivered) + "\n";
            if (writer == null) {
                // After close (an alert emitted during shutdown): append it on its own rather than lose it.
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } else {
                writer.write(line);
                writer.flush();
            }
            written++;
        } catch (IOException e) {
            if (writeFailures++ == 0) {
                LOG.errorf(e, "cannot write webhook dead letters to %s; undelivered alerts are being lost (check disk space and permissions)", file);
            }
        }
    }

    synchronized long written() {
        return written;
    }

    synchronized long writeFailures() {
        return writeFailures;
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
        } catch (IOException e) {
            LOG.errorf("cannot close webhook dead-letter file %s: %s", file, e.getMessage());
        }
        writer = null;
    }
}
