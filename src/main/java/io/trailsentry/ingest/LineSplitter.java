package io.trailsentry.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

/**
 * Cuts input into lines of raw bytes (no decoding, no per-line copies) and sniffs which shape it has.
 *
 * <p>Works over a stream (one growable buffer, refilled in place) or directly over a payload array
 * (no copy at all, which matters for one-record Kafka messages). A line longer than the limit is
 * skipped to its newline without being buffered, and reported as {@link #tooLong()}.
 */
final class LineSplitter {

    /** How the input should be read, decided from its first non-blank line. */
    enum Shape { EMPTY, LINES, DOCUMENT }

    private static final int INITIAL_BUFFER = 64 * 1024;

    private final InputStream in; // null when reading a payload array
    private final int maxLineBytes;
    private byte[] buf;
    private int pos;
    private int end;
    private boolean eof;

    private long lineNumber;
    /** Blank lines consumed before the first value; document-mode positions add them back. */
    private long skippedLines;
    /** Blanks consumed on the first value's own line, before it. */
    private long skippedColumns;
    private int lineStart;
    private int lineLength;
    private boolean tooLong;
    private String tooLongExcerpt;

    private LineSplitter(InputStream in, byte[] buf, int end, boolean eof, int maxLineBytes) {
        this.in = in;
        this.buf = buf;
        this.end = end;
        this.eof = eof;
        this.maxLineBytes = maxLineBytes;
    }

    static LineSplitter over(InputStream in, int maxLineBytes) {
        return new LineSplitter(in, new byte[INITIAL_BUFFER], 0, false, maxLineBytes);
    }

    static LineSplitter over(byte[] payload, int maxLineBytes) {
        return new LineSplitter(null, payload, payload.length, true, maxLineBytes);
    }

    /**
     * Looks at the first non-blank line without consuming anything.
     *
     * <p>LINES when it is one compact object ({@code {…}} on one line): then every line is parsed on its
     * own so a junk line costs only itself. DOCUMENT otherwise (pretty-printed JSON, arrays), and also
     * when the first line runs past {@code window} bytes: a multi-megabyte one-line S3 file is then
     * streamed instead of buffered, at the price of coarser recovery should it turn out to be JSON lines.
     */
    Shape sniff(int window) throws IOException {
        if (available(3) && (buf[pos] & 0xff) == 0xef && (buf[pos + 1] & 0xff) == 0xbb && (buf[pos + 2] & 0xff) == 0xbf) {
            pos += 3; // UTF-8 byte order mark: per-line parsers would choke on it
        }
        // Leading blanks are consumed, not looked at from a fixed start: keeping them would grow the
        // buffer one byte per look (quadratic time) and hold megabytes of nothing (issue #17).
        while (true) {
            if (!available(1)) {
                return Shape.EMPTY;
            }
            byte b = buf[pos];
            if (!isBlank(b)) {
                break;
            }
            if (b == '\n') {
                lineNumber++;
                skippedColumns = 0;
            } else {
                skippedColumns++;
            }
            pos++;
        }
        skippedLines = lineNumber;
        if (buf[pos] != '{') {
            return Shape.DOCUMENT;
        }
        int off = 0;
        int first = off;
        while (available(off + 1) && buf[pos + off] != '\n') {
            if (off - first >= window) {
                return Shape.DOCUMENT;
            }
            off++;
        }
        int last = off - 1;
        while (last > first && isBlank(buf[pos + last])) {
            last--;
        }
        return buf[pos + last] == '}' ? Shape.LINES : Shape.DOCUMENT;
    }

    /** Advances to the next line. @return false at end of input */
    boolean next() throws IOException {
        if (!available(1)) {
            return false;
        }
        lineNumber++;
        tooLong = false;
        int scanned = 0;
        while (true) {
            int nl = indexOfNewline(pos + scanned, end);
            if (nl >= 0) {
                setLine(pos, nl - pos);
                pos = nl + 1;
                return true;
            }
            scanned = end - pos;
            if (scanned > maxLineBytes) {
                skipOverlongLine();
                return true;
            }
            if (!available(scanned + 1)) { // last line without a newline
                setLine(pos, end - pos);
                pos = end;
                return true;
            }
        }
    }

    long lineNumber() { return lineNumber; }
    /** Lines before the first value (all blank), which {@link #sniff} consumed. */
    long skippedLines() { return skippedLines; }
    long skippedColumns() { return skippedColumns; }
    int lineLimit() { return maxLineBytes; }
    byte[] buffer() { return buf; }
    int lineStart() { return lineStart; }
    int lineLength() { return lineLength; }
    /** True when the current line exceeded the limit; its bytes are gone, only {@link #tooLongExcerpt()} is left. */
    boolean tooLong() { return tooLong; }
    String tooLongExcerpt() { return tooLongExcerpt; }

    boolean lineIsBlank() {
        for (int i = lineStart; i < lineStart + lineLength; i++) {
            if (!isBlank(buf[i])) {
                return false;
            }
        }
        return true;
    }

    /** True when reading a payload array: document mode can then parse {@link #buffer()} in place. */
    boolean arrayBacked() { return in == null; }
    int position() { return pos; }
    int limit() { return end; }

    /** The unconsumed input: what is buffered, then the rest of the stream. */
    InputStream remaining() {
        ByteArrayInputStream buffered = new ByteArrayInputStream(buf, pos, end - pos);
        return in == null ? buffered : new SequenceInputStream(buffered, in);
    }

    private void setLine(int start, int length) {
        if (length > 0 && buf[start + length - 1] == '\r') {
            length--;
        }
        lineStart = start;
        lineLength = length;
        if (length > maxLineBytes) {
            tooLong = true;
            tooLongExcerpt = Excerpts.ofBytes(buf, start, Math.min(length, Excerpts.MAX_CHARS));
        }
    }

    private void skipOverlongLine() throws IOException {
        tooLong = true;
        tooLongExcerpt = Excerpts.ofBytes(buf, pos, Math.min(end - pos, Excerpts.MAX_CHARS));
        pos = end;
        while (available(1)) {
            int nl = indexOfNewline(pos, end);
            if (nl >= 0) {
                pos = nl + 1;
                break;
            }
            pos = end;
        }
        lineStart = pos;
        lineLength = 0;
    }

    /** Makes at least {@code n} bytes from {@code pos} available, reading (and compacting/growing) as needed. */
    private boolean available(int n) throws IOException {
        while (end - pos < n) {
            if (eof || in == null) {
                return false;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, end - pos);
                end -= pos;
                pos = 0;
            }
            if (end == buf.length) {
                // Bounded: callers never ask for more than maxLineBytes + 1 (the sniff window is smaller).
                buf = Arrays.copyOf(buf, (int) Math.max(n, Math.min(buf.length * 2L, maxLineBytes + 2L)));
            }
            int read = in.read(buf, end, buf.length - end);
            if (read < 0) {
                eof = true;
            } else {
                end += read;
            }
        }
        return true;
    }

    private int indexOfNewline(int from, int to) {
        byte[] b = buf;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
