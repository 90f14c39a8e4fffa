package io.trailsentry.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A JSON-lines file that holds each id once: opening it reads back the ids already in it, and a line
 * whose id is already there is skipped. Replaying the same input, or restarting, adds no duplicates.
 * Each line is flushed as it is written: alerts are rare, and whoever tails the file must see them now.
 */
public final class JsonlAppender implements AutoCloseable {

    private static final ObjectMapper READER = new ObjectMapper();

    private final Path file;
    private final String idPointer;
    private final BufferedWriter writer;
    private final Set<String> written = new HashSet<>();
    private final int keepLast;
    private final java.util.ArrayDeque<String> lastLines = new java.util.ArrayDeque<>();
    private long count;
    private long skippedDuplicates;

    /**
     * @param idPointer where a line keeps its id, as a JSON pointer ({@code /alertId}, {@code /metadata/uid})
     */
    public JsonlAppender(Path file, String idPointer) {
        this(file, idPointer, 0);
    }

    /**
     * @param keepLast how many of the file's last complete lines to keep for {@link #lastLines()}
     *                 (what a restarted server shows as recent history), read in the same pass as the ids
     */
    public JsonlAppender(Path file, String idPointer, int keepLast) {
        this.file = file;
        this.keepLast = keepLast;
        this.idPointer = idPointer;
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
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends {@code json} (one line, no newline in it) unless {@code id} is already in the file.
     *
     * @return whether it was written
     */
    public synchronized boolean append(String id, String json) {
        if (!written.add(id)) {
            skippedDuplicates++;
            return false;
        }
        try {
            writer.write(json);
            writer.write('\n');
            writer.flush();
            count++;
            return true;
        } catch (IOException e) {
            written.remove(id); // not in the file: a later attempt may write it
            throw new UncheckedIOException("cannot write to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The last complete lines the file held when it was opened, oldest first (at most {@code keepLast}). */
    public synchronized List<String> lastLines() {
        return List.copyOf(lastLines);
    }

    /** Lines written by this appender (not counting those already in the file). */
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
                    JsonNode id = READER.readTree(line).at(idPointer);
                    if (id.isTextual()) {
                        written.add(id.asText());
                        if (keepLast > 0) {
                            if (lastLines.size() == keepLast) {
                                lastLines.removeFirst();
                            }
                            lastLines.addLast(line);
                        }
                    }
                } catch (JsonProcessingException partialLastLine) {
                    // a line cut short by a crash: its record will be written again, whole
                }
            });
        }
    }
}
