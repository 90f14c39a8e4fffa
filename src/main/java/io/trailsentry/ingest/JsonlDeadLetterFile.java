package io.trailsentry.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends dead letters to a JSON-lines file: one {@code {"source","position","reason","excerpt"}} object
 * per line, so an operator can {@code tail -f} it, {@code jq} it, and re-feed fixed input later.
 *
 * <p>Thread-safe (several readers may share one file). Each dead letter is flushed as it is written: they
 * are rare, and after a crash the evidence of what was dropped should still be there. A failed write
 * does not throw (a broken disk must not stop ingestion); it is counted in {@link #failures()} and
 * logged once, so the loss is visible.
 */
public final class JsonlDeadLetterFile implements DeadLetterSink, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JsonlDeadLetterFile.class.getName());
    private static final JsonFactory JSON = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    private final Path path;
    private final Writer writer;
    private final JsonGenerator generator;
    private long count;
    private long failures;
    private boolean closed;

    /** Opens {@code path} for appending, creating it and its parent directories if needed. */
    public JsonlDeadLetterFile(Path path) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        this.generator = JSON.createGenerator(writer);
    }

    @Override
    public synchronized void accept(DeadLetter deadLetter) {
        if (closed) {
            throw new IllegalStateException("dead-letter file " + path + " is closed");
        }
        try {
            generator.writeStartObject();
            generator.writeStringField("source", deadLetter.source());
            generator.writeStringField("position", deadLetter.position());
            generator.writeStringField("reason", deadLetter.reason());
            generator.writeStringField("excerpt", deadLetter.excerpt());
            generator.writeEndObject();
            generator.writeRaw('\n'); // after each object, not between: every line is complete when flushed
            generator.flush();
            count++;
        } catch (IOException | UncheckedIOException e) {
            if (failures++ == 0) {
                LOG.log(System.Logger.Level.ERROR, "cannot write dead letters to " + path
                        + "; they are being lost (check disk space and permissions)", e);
            }
        }
    }

    /** Dead letters written so far. */
    public synchronized long count() {
        return count;
    }

    /** Dead letters that could not be written. */
    public synchronized long failures() {
        return failures;
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            generator.close(); // flushes and closes the writer
        }
    }
}
