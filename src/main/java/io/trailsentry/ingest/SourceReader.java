package io.trailsentry.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.io.InputStream;
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

    /**
     * The document's bytes again from an offset (for resyncing after a syntax error), or null.
     * Offsets count from the document's first byte, as the first parser's locations do.
     */
    interface Replay {
        /** The input from {@code byteOffset} on, or null when those bytes are no longer at hand. */
        InputStream from(long byteOffset);
    }

    private Replay replay;
    /** Absolute offset of the current parser's byte 0 (a resumed parser starts with a '[' of its own). */
    private long baseOffset;
    /** The innermost array of records being read, when it can be resumed after a syntax error. */
    private JsonStreamContext recordsArray;
    private boolean recordsArrayInWrapper;
    /** Where the array element being parsed started (absolute offset, line, column), or -1 between elements. */
    private long elementStart = -1;
    private long elementLine;
    private long elementColumn;

    /** One parser over the whole input; any number of root values. */
    void readDocument(JsonParser p, long skippedLines, long skippedColumns, Replay replay) {
        lineOffset = skippedLines;
        columnOffset = skippedColumns;
        lineNumber = 0;
        recordNumber = 0;
        this.replay = replay;
        baseOffset = 0;
        Resumed resumed = readValues(p, null);
        while (resumed != null) {
            resumed = readValues(resumed.parser(), resumed);
        }
    }

    /** A parser over the rest of a document after a resync: {@code [} then the records that follow. */
    private record Resumed(JsonParser parser, InputStream input, boolean inWrapper) {
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
                    byte[] buffer = splitter.buffer();
                    int start = splitter.lineStart();
                    int length = splitter.lineLength();
                    // An S3 delivery file is one line: a broken record in it resyncs within the line.
                    replay = offset -> offset < 0 || offset > length ? null
                            : new java.io.ByteArrayInputStream(buffer, start + (int) offset, length - (int) offset);
                    baseOffset = 0;
                    columnOffset = 0;
                    Resumed resumed = readValues(factory.createParser(buffer, start, length), null);
                    while (resumed != null) {
                        resumed = readValues(resumed.parser(), resumed);
                    }
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

    /**
     * Reads root values to the end; after a syntax error inside an array of records, returns a
     * parser over what follows the broken record (the caller goes on with it), else null.
     */
    private Resumed readValues(JsonParser p, Resumed resuming) {
        try {
            if (resuming != null) {
                p.nextToken(); // the '[' the resumed input starts with
                recordsArray = p.getParsingContext();
                recordsArrayInWrapper = resuming.inWrapper();
                elements(p, !resuming.inWrapper());
                Resumed next = afterResumedArray(p, resuming);
                closeQuietly(p);
                return next;
            }
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                rootValue(p, t);
            }
        } catch (JsonProcessingException e) {
            return malformed(p, e); // before close: the excerpt comes from the parser's buffer
        } catch (IOException e) {
            readFailed(e);
        } finally {
            closeQuietly(p);
        }
        return null;
    }

    /**
     * A resumed array has ended: in a {@code Records} wrapper, its closing brace (and any keys after
     * the array) follow; then any further root values, read by a parser over what is left.
     */
    private Resumed afterResumedArray(JsonParser p, Resumed resumed) throws IOException {
        java.io.ByteArrayOutputStream buffered = new java.io.ByteArrayOutputStream();
        p.releaseBuffered(buffered);
        long consumed = p.currentLocation().getByteOffset();
        InputStream rest = Concat.of(buffered.toByteArray(), resumed.input());
        if (resumed.inWrapper()) {
            rest = RecordResync.closeContainer(rest, 1);
        }
        JsonParser next = factory.createParser(rest);
        baseOffset = baseOffset + consumed; // approximate from here on: positions after a resumed array are rare
        JsonToken t;
        try {
            while ((t = next.nextToken()) != null) {
                rootValue(next, t);
            }
        } catch (JsonProcessingException e) {
            return malformed(next, e);
        } finally {
            closeQuietly(next);
        }
        return null;
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
        if (recordsArray == null && resumable(p.getParsingContext(), root)) {
            recordsArray = p.getParsingContext();
            recordsArrayInWrapper = !root;
        }
        boolean tracking = recordsArray == p.getParsingContext();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "unexpected end of input inside an array");
            }
            if (tracking) {
                JsonLocation at = p.currentTokenLocation();
                elementStart = baseOffset + at.getByteOffset();
                elementLine = at.getLineNr() + lineOffset;
                elementColumn = at.getLineNr() == 1 ? at.getColumnNr() + columnOffset : at.getColumnNr();
            }
            element(p, t, root);
            if (tracking) {
                elementStart = -1;
            }
        }
        if (tracking) {
            recordsArray = null;
        }
    }

    /**
     * Only an array at the top of the document can be resumed after a syntax error: a root array, or
     * the Records array of a root wrapper (an array of wrappers is rare enough to lose its rest).
     */
    private boolean resumable(JsonStreamContext array, boolean root) {
        if (replay == null) {
            return false;
        }
        JsonStreamContext parent = array.getParent();
        return root ? parent != null && parent.inRoot() : parent != null && parent.getParent() != null && parent.getParent().inRoot();
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

    private Resumed malformed(JsonParser p, JsonProcessingException e) {
        JsonLocation at = e instanceof JsonParseException jpe ? jpe.getLocation() : p.currentLocation();
        String what = e instanceof StreamConstraintsException ? "input over the ingest limits: "
                : duplicateKey(e) ? "duplicate key (refused: readers disagree on which value counts): " : "malformed JSON: ";
        String column = lineNumber > 0 && at != null
                ? " at col " + (at.getLineNr() <= 1 ? at.getColumnNr() + columnOffset : at.getColumnNr()) : "";
        recordNumber++;
        String position = position(at);
        String excerpt = lineNumber > 0 ? excerpt("") : followingInput(p);
        // Once records have parsed, the content clearly is JSON: the name is no longer a useful clue.
        String hinted = accepted == 0 ? hint : "";
        Resumed resumed = null;
        long lost = 1;
        String rest = lineNumber > 0 ? "; the rest of this line was skipped" : "; the rest of this document was skipped";
        long start = elementStart >= 0 ? elementStart : baseOffset + Math.max(0, at == null ? 0 : at.getByteOffset());
        InputStream from = replay == null ? null : replay.from(start);
        if (from != null && recordsArray == null) {
            // nowhere to resume: say how many records the rest held
            try {
                lost = Math.max(1, RecordResync.skip(from, start, Integer.MAX_VALUE / 2).recordsSeen());
                if (lost > 1) {
                    rest = rest + " (" + lost + " records, counted by their eventTime)";
                }
            } catch (IOException readFailure) {
                // the count is a courtesy
            }
        } else if (from != null) {
            try {
                RecordResync.Result found = RecordResync.skip(from, start, 0);
                lost = Math.max(1, found.recordsSeen());
                switch (found.found()) {
                    case NEXT_RECORD -> {
                        rest = "; resumed at the next record";
                        resumed = resume(found, recordsArrayInWrapper);
                    }
                    case ARRAY_END -> {
                        rest = recordsArrayInWrapper ? "; it was the last record" : "; it was the last record of the array";
                        resumed = resumeAfterArray(found, recordsArrayInWrapper);
                    }
                    case END_OF_INPUT -> rest = lost > 1 ? rest + " (" + lost + " records, counted by their eventTime)" : rest;
                }
            } catch (IOException readFailure) {
                rest = "; the rest of this document could not be read again and was skipped";
            }
        }
        recordsArray = null;
        elementStart = -1;
        if (lost > 1) {
            recordNumber += lost - 1;
        }
        deadLetter(position, what + e.getOriginalMessage() + column + rest + hinted, excerpt, lost);
        return resumed;
    }

    private static boolean duplicateKey(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return message != null && message.startsWith("Duplicate ");
    }

    /** A parser over {@code [} and the input from the next record on: the array goes on where it broke. */
    private Resumed resume(RecordResync.Result found, boolean inWrapper) throws IOException {
        InputStream input = found.rest();
        JsonParser next = factory.createParser(Concat.of(new byte[] {'['}, input));
        moveOffsets(found);
        baseOffset = found.resumedAt() - 1; // the '[' of our own is byte 0 of the new parser
        return new Resumed(next, input, inWrapper);
    }

    /** The broken record was the array's last: what follows the array is read as root values. */
    private Resumed resumeAfterArray(RecordResync.Result found, boolean inWrapper) throws IOException {
        InputStream rest = inWrapper ? RecordResync.closeContainer(found.rest(), 1) : found.rest();
        JsonParser next = factory.createParser(Concat.of("[]".getBytes(java.nio.charset.StandardCharsets.US_ASCII), rest));
        moveOffsets(found);
        baseOffset = found.resumedAt() - 2;
        return new Resumed(next, rest, false);
    }

    /** Positions in the resumed parser count from the resync point. */
    private void moveOffsets(RecordResync.Result found) {
        long startLine = elementStart >= 0 ? elementLine : 1;
        long startColumn = elementStart >= 0 ? elementColumn : 1;
        lineOffset = startLine - 1 + found.newlines();
        // the resumed parser's first line starts with a '[' of our own: its column 2 is the resync point's column
        columnOffset = (found.newlines() == 0 ? startColumn + found.scanned() : found.columnAfterLastNewline()) - 2;
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
        deadLetter(position, reason, excerpt, 1);
    }

    /** @param records how many records it stands for (the rest of a document can be many) */
    private void deadLetter(String position, String reason, String excerpt, long records) {
        rejected += records;
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
