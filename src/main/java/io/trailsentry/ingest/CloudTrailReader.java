package io.trailsentry.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads CloudTrail from files, directory trees, streams and payloads in any shape AWS (or a person)
 * produces, and hands out normalised {@link CloudTrailEvent}s; whatever cannot be read becomes a
 * {@link DeadLetter}, and the run goes on.
 *
 * <p>Shapes, in any mix of root values: S3 delivery files {@code {"Records":[…]}}, JSON lines, a single
 * record, a JSON array of records, EventBridge envelopes ({@code {"detail-type":…, "detail":{record}}})
 * alone, in arrays or as JSON lines; each plain or gzip (recognised by its magic bytes, not its name).
 *
 * <p>Parsing is streaming end to end (Jackson {@code JsonParser} into the event builder), so memory does
 * not grow with file size. Thread-safe: the reader holds only configuration and the JsonFactory; each
 * read call gets its own buffers. Exceptions thrown by the {@code events} consumer or the dead-letter sink
 * are theirs and propagate; bad input never throws.
 */
public final class CloudTrailReader {

    /** Longest first line still buffered to decide "JSON lines or document" (see {@link LineSplitter#sniff}). */
    private static final int SNIFF_WINDOW = 256 * 1024;
    private static final int GZIP_BUFFER = 64 * 1024;
    /**
     * How far back a stream is kept to re-read a broken record from its start: the largest record the
     * limits let through (two nested JSON values and the fields) plus the parser's read-ahead.
     */
    private static final int RESYNC_WINDOW = 4 * 1024 * 1024;
    /** CloudTrail nests a few levels; a few hundred is generous and still stops stack-depth attacks. */
    private static final int MAX_NESTING_DEPTH = 256;

    private final IngestLimits limits;
    private final JsonFactory factory;

    public CloudTrailReader() {
        this(IngestLimits.defaults());
    }

    public CloudTrailReader(IngestLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.factory = new JsonFactoryBuilder()
                // Tokens bigger than any field we would keep fail inside the tokenizer, before being buffered.
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Math.max(limits.maxFieldChars(), limits.maxNestedJsonChars()))
                        .maxNameLength(limits.maxFieldChars())
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE) // callers own their streams
                // {"eventName":"GetCallerIdentity","eventName":"DeleteTrail"}: readers disagree on which
                // value counts, so a record with a repeated key is refused rather than read last-wins.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .rootValueSeparator((String) null) // the reused generator writes one value after another
                .build();
    }

    /** Any supported shape; gzip detected by magic bytes (1f 8b), not by name. Never throws for bad content. */
    public ReadSummary read(InputStream in, String sourceName, Consumer<CloudTrailEvent> events,
                            DeadLetterSink deadLetters) {
        return read(in, sourceName, newRecordParser(), events, deadLetters);
    }

    /**
     * A file, or a directory tree walked in sorted path order (hidden files and dirs skipped), e.g. an S3
     * AWSLogs/&lt;acct&gt;/CloudTrail/&lt;region&gt;/YYYY/MM/DD/ prefix. An unreadable file is one dead letter;
     * the run continues.
     */
    public ReadSummary read(Path fileOrDirectory, Consumer<CloudTrailEvent> events, DeadLetterSink deadLetters) {
        RecordParser records = newRecordParser(); // shared by all files: its buffers and string cache carry over
        ReadSummary total = ReadSummary.EMPTY;
        for (Map.Entry<Path, IOException> entry : SourceFiles.list(fileOrDirectory).entrySet()) {
            Path file = entry.getKey();
            IOException listingFailure = entry.getValue();
            if (listingFailure != null) {
                total = total.plus(unreadable(file, listingFailure, deadLetters));
                continue;
            }
            try (InputStream in = Files.newInputStream(file)) {
                total = total.plus(read(in, file.toString(), records, events, deadLetters));
            } catch (IOException e) {
                total = total.plus(unreadable(file, e, deadLetters));
            }
        }
        return total;
    }

    /** Convenience for HTTP/Kafka payloads. */
    public ReadSummary read(byte[] payload, String sourceName, Consumer<CloudTrailEvent> events,
                            DeadLetterSink deadLetters) {
        if (isGzip(payload)) {
            return read(new ByteArrayInputStream(payload), sourceName, events, deadLetters);
        }
        // Parsed in place: a one-record payload costs no buffer copies.
        SourceReader reader = new SourceReader(factory, newRecordParser(), sourceName, events, deadLetters,
                gzHint(sourceName, false));
        readShaped(LineSplitter.over(payload, limits.maxLineBytes()), reader);
        return new ReadSummary(1, reader.accepted(), reader.rejected());
    }

    private ReadSummary read(InputStream in, String sourceName, RecordParser records,
                             Consumer<CloudTrailEvent> events, DeadLetterSink deadLetters) {
        boolean gzip = false;
        SourceReader reader = null;
        GZIPInputStream gunzip = null;
        try {
            PushbackInputStream head = new PushbackInputStream(in, 2);
            gzip = isGzip(head);
            reader = new SourceReader(factory, records, sourceName, events, deadLetters, gzHint(sourceName, gzip));
            if (gzip) {
                gunzip = new GZIPInputStream(new NonClosingInputStream(head), GZIP_BUFFER);
            }
            readShaped(LineSplitter.over(gzip ? gunzip : head, limits.maxLineBytes()), reader);
        } catch (IOException e) {
            if (reader == null) {
                reader = new SourceReader(factory, records, sourceName, events, deadLetters, "");
            }
            reader.readFailed(gzip ? new IOException("gzip: " + e.getMessage(), e) : e);
        } finally {
            closeQuietly(gunzip); // frees the native Inflater now rather than at GC; the caller's stream stays open
        }
        return new ReadSummary(1, reader.accepted(), reader.rejected());
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // only releasing the inflater; nothing was being written
            }
        }
    }

    /** The caller owns its stream: closing our gzip layer must not close it. */
    private static final class NonClosingInputStream extends FilterInputStream {
        NonClosingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }

    private void readShaped(LineSplitter lines, SourceReader reader) {
        try {
            switch (lines.sniff(Math.min(SNIFF_WINDOW, limits.maxLineBytes()))) {
                case EMPTY -> reader.empty();
                case LINES -> reader.readLines(lines);
                case DOCUMENT -> {
                    if (lines.arrayBacked()) {
                        byte[] buffer = lines.buffer();
                        int start = lines.position();
                        int end = lines.limit();
                        reader.readDocument(factory.createParser(buffer, start, end - start), lines.skippedLines(), lines.skippedColumns(),
                                offset -> offset < 0 || offset > end - start ? null
                                        : new ByteArrayInputStream(buffer, start + (int) offset, end - start - (int) offset));
                    } else {
                        RecentBytes recent = new RecentBytes(lines.remaining(), RESYNC_WINDOW);
                        reader.readDocument(factory.createParser(recent), lines.skippedLines(), lines.skippedColumns(), recent::from);
                    }
                }
            }
        } catch (IOException e) {
            reader.readFailed(e);
        }
    }

    private RecordParser newRecordParser() {
        return new RecordParser(limits, new CompactJson(factory, limits.maxNestedJsonChars()), STRINGS.get());
    }

    /**
     * One string cache per reading thread, kept across payloads: a stream's principals, ARNs, IPs and
     * user agents recur from one delivery to the next, so the instances (and their cached hash codes,
     * which every map and EPL index keyed on them uses) are shared across the whole stream.
     */
    private static final ThreadLocal<StringCache> STRINGS = ThreadLocal.withInitial(StringCache::new);

    private static ReadSummary unreadable(Path file, IOException e, DeadLetterSink deadLetters) {
        deadLetters.accept(new DeadLetter(file.toString(), "file",
                "could not open (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); check it exists and is readable by this process", ""));
        return new ReadSummary(1, 0, 1);
    }

    private static boolean isGzip(PushbackInputStream in) throws IOException {
        byte[] magic = new byte[2];
        int n = in.readNBytes(magic, 0, 2);
        in.unread(magic, 0, n);
        return n == 2 && isGzip(magic);
    }

    private static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    /** A ".gz" name on plain content is fine when it parses; when it does not, the name is a useful clue. */
    private static String gzHint(String sourceName, boolean gzip) {
        return !gzip && sourceName != null && sourceName.endsWith(".gz")
                ? " (note: named .gz but not gzip-compressed)" : "";
    }
}
