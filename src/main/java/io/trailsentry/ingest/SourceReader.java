package io.trailsentry.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Reads the root values of one source (a file, a stream, a payload) and turns them into events and
 * dead letters: arrays, {@code Records} wrappers and envelopes are unwrapped here, records themselves
 * are left to {@link RecordParser}.
 *
 * <p>Owns the error policy: a bad record costs itself; malformed JSON costs the rest of the current
 * line (JSON lines) or document; an I/O failure costs the rest of the source. Nothing is thrown.
 */
final class SourceReader implements RecordParser.RecordsHandler {

    private final JsonFactory factory;
    private final RecordParser records;
    private final String source;
    private final Consumer<CloudTrailEvent> events;
    private final DeadLetterSink deadLetters;
    /** Appended to reasons for unparseable input, e.g. that a ".gz" name was not gzip after all. */
    private final String hint;

    private long accepted;
    private long rejected;
    /** Current line in JSON-lines mode; 0 in document mode. */
    private long lineNumber;
    /** Records seen so far in the current document (or line). */
    private long recordNumber;
    private LineSplitter lines;

    SourceReader(JsonFactory factory, RecordParser records, String source, Consumer<CloudTrailEvent> events,
                 DeadLetterSink deadLetters, String hint) {
        this.factory = factory;
        this.records = records;
        this.source = source;
        this.events = events;
        this.deadLetters = deadLetters;
        this.hint = hint;
    }

    long accepted() { return accepted; }
    long rejected() { return rejected; }

    /** Blank lines (and blanks on the first line) consumed before the parser's start, added back to its positions. */
    private long lineOffset;
    private long columnOffset;

    /** One parser over the whole input; any number of root values. */
    void readDocument(JsonParser p, long skippedLines, long skippedColumns) {
        lineOffset = skippedLines;
        columnOffset = skippedColumns;
        lineNumber = 0;
        recordNumber = 0;
        readValues(p);
    }

    /** One parser per line, so a syntax error or binary junk loses only its line. */
    void readLines(LineSplitter splitter) {
        lines = splitter;
        try {
            while (splitter.next()) {
                lineNumber = splitter.lineNumber();
                recordNumber = 0;
                if (splitter.tooLong()) {
                    deadLetter("line " + lineNumber, "line is longer than the " + splitter.lineLimit()
                            + "-byte limit (maxLineBytes); skipped", splitter.tooLongExcerpt());
                } else if (!splitter.lineIsBlank()) {
                    readValues(factory.createParser(splitter.buffer(), splitter.lineStart(), splitter.lineLength()));
                }
            }
        } catch (IOException e) {
            readFailed(e);
        }
    }

    void empty() {
        deadLetter("start", "empty input: no JSON value found" + hint, "");
    }

    /** The input could not be read (not: could not be parsed); whatever followed is lost. */
    void readFailed(IOException e) {
        String where = lineNumber > 0 ? "line " + lineNumber : "record " + (recordNumber + 1);
        deadLetter(where, "could not read input (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                + "); the rest of this source was skipped" + hint, "");
    }

    private void readValues(JsonParser p) {
        try {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                rootValue(p, t);
            }
        } catch (JsonProcessingException e) {
            malformed(p, e); // before close: the excerpt comes from the parser's buffer
        } catch (IOException e) {
            readFailed(e);
        } finally {
            closeQuietly(p);
        }
    }

    private static void closeQuietly(JsonParser p) {
        try {
            p.close(); // AUTO_CLOSE_SOURCE is off: this only returns buffers to Jackson's pool
        } catch (IOException ignored) {
            // nothing of ours left to lose
        }
    }

    private void rootValue(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_ARRAY) {
            elements(p, true);
        } else {
            element(p, t, true);
        }
    }

    @Override
    public void records(JsonParser p) throws IOException {
        elements(p, false);
    }

    /** Elements of a root array (records or envelopes) or of a Records array (records only). */
    private void elements(JsonParser p, boolean root) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "unexpected end of input inside an array");
            }
            element(p, t, root);
        }
    }

    private void element(JsonParser p, JsonToken t, boolean root) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            recordNumber++;
            JsonLocation at = p.currentTokenLocation();
            String text = t.isStructStart() ? "" : p.getText();
            p.skipChildren();
            deadLetter(position(at), t == JsonToken.VALUE_NULL ? "record is null"
                            : "expected a CloudTrail record object, got " + RecordParser.describe(t),
                    excerpt(text));
            return;
        }
        RecordParser.Outcome outcome = root ? records.parseRoot(p, this) : records.parseRecord(p);
        switch (outcome) {
            case ACCEPTED -> {
                recordNumber++;
                accepted++;
                events.accept(records.event());
            }
            case REJECTED -> {
                recordNumber++;
                deadLetter(position(records.location()), records.reason(), excerpt(records.excerpt()));
            }
            case WRAPPER -> {
                // its records were delivered one by one through records(p)
            }
        }
    }

    private void malformed(JsonParser p, JsonProcessingException e) {
        JsonLocation at = e instanceof JsonParseException jpe ? jpe.getLocation() : p.currentLocation();
        String what = e instanceof StreamConstraintsException ? "input over the ingest limits: " : "malformed JSON: ";
        String rest = lineNumber > 0 ? "; the rest of this line was skipped" : "; the rest of this document was skipped";
        String column = lineNumber > 0 && at != null ? " at col " + at.getColumnNr() : "";
        recordNumber++;
        // Once records have parsed, the content clearly is JSON: the name is no longer a useful clue.
        deadLetter(position(at), what + e.getOriginalMessage() + column + rest + (accepted == 0 ? hint : ""),
                lineNumber > 0 ? excerpt("") : followingInput(p));
    }

    private String position(JsonLocation at) {
        if (lineNumber > 0) {
            return recordNumber <= 1 ? "line " + lineNumber : "line " + lineNumber + ", record " + recordNumber;
        }
        if (at == null || at.getLineNr() < 0) {
            return "record " + recordNumber;
        }
        long column = at.getLineNr() == 1 ? at.getColumnNr() + columnOffset : at.getColumnNr();
        return "record " + recordNumber + ", line " + (at.getLineNr() + lineOffset) + " col " + column;
    }

    /** In line mode the raw line is the best excerpt; in document mode there is no raw text to hand. */
    private String excerpt(String documentModeExcerpt) {
        if (lineNumber > 0 && lines != null) {
            return Excerpts.ofBytes(lines.buffer(), lines.lineStart(), Math.min(lines.lineLength(), 4 * Excerpts.MAX_CHARS));
        }
        return Excerpts.ofText(documentModeExcerpt);
    }

    /** The bytes the parser had buffered past the error: usually the junk itself. */
    private static String followingInput(JsonParser p) {
        CappedBytes out = new CappedBytes(Excerpts.MAX_CHARS);
        try {
            p.releaseBuffered(out);
        } catch (IOException | RuntimeException ignored) {
            // best effort: an excerpt is a courtesy, the reason and position are what matter
        }
        return Excerpts.ofBytes(out.bytes, 0, out.length);
    }

    private void deadLetter(String position, String reason, String excerpt) {
        rejected++;
        deadLetters.accept(new DeadLetter(source, position, reason, excerpt));
    }

    private static final class CappedBytes extends OutputStream {
        final byte[] bytes;
        int length;

        CappedBytes(int cap) {
            bytes = new byte[cap];
        }

        @Override
        public void write(int b) {
            if (length < bytes.length) {
                bytes[length++] = (byte) b;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int n = Math.min(len, bytes.length - length);
            System.arraycopy(b, off, bytes, length, n);
            length += n;
        }
    }
}
