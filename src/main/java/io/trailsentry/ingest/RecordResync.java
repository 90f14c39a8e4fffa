package io.trailsentry.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * Finds where the next record starts after a syntax error inside an array of records (S3's
 * {@code {"Records":[…]}}, a root array), so one broken record costs itself rather than the tens of
 * thousands after it (issue #17, 8).
 *
 * <p>Scans the bytes after the error as JSON's structure only (strings with their escapes, and the
 * nesting of objects and arrays), without parsing values: from the depth the parser was at, the
 * broken record ends where that depth closes; a comma and an opening brace start the next record,
 * a closing bracket ends the array. An error inside a string (the scan then starts within it) can put
 * the scan out of step; the next record then fails to parse too and resyncs again, each failure one
 * dead letter, and the scan always moves forward, so it ends.
 */
final class RecordResync {

    /** What the scan found. */
    enum Found {
        /** {@link #rest} starts with the next record's opening brace. */
        NEXT_RECORD,
        /** The array ended; {@link #rest} starts right after its closing bracket. */
        ARRAY_END,
        /** The input ended first; {@link #recordsSeen} counts the records (their eventTime keys) passed on the way. */
        END_OF_INPUT
    }

    /**
     * @param resumedAt              absolute offset where {@link #rest} starts
     * @param scanned                bytes from the scan's start to {@link #resumedAt}
     * @param newlines               line breaks among them
     * @param columnAfterLastNewline 1-based column of {@link #resumedAt} when there was a line break
     */
    record Result(Found found, InputStream rest, long recordsSeen, long resumedAt, long scanned, long newlines,
                  long columnAfterLastNewline) {
    }

    private static final byte[] EVENT_TIME_KEY = "\"eventTime\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private RecordResync() {
    }

    /**
     * @param in     the input from where the scan starts (the broken record's opening brace, or the error)
     * @param start  the absolute offset of {@code in}'s first byte
     * @param depth  containers (objects, arrays) open inside the array element at the start: 0 at
     *               the broken record's opening brace or between elements
     */
    static Result skip(InputStream in, long start, int depth) throws IOException {
        Scan scan = new Scan(in);
        Strings strings = new Strings();
        int b;
        while ((b = scan.read()) >= 0) {
            if (b == '\n') {
                // JSON strings cannot hold a raw line break: a scan that started inside a string is in step again
                strings.lineBreak();
                continue;
            }
            if (strings.swallow(b)) {
                continue;
            }
            switch (b) {
                case '{', '[' -> depth++;
                case '}', ']' -> {
                    if (depth == 0) {
                        // the array itself closed (only a ']' can close it; a stray '}' is skipped)
                        if (b == ']' && endsArray(scan)) {
                            return scan.result(Found.ARRAY_END, start);
                        }
                        continue;
                    }
                    depth--;
                    if (depth == 0) {
                        Found next = afterElement(scan);
                        if (next != null) {
                            return scan.result(next, start);
                        }
                    }
                }
                case ',' -> {
                    if (depth == 0) {
                        Found next = afterComma(scan);
                        if (next != null) {
                            return scan.result(next, start);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return scan.result(Found.END_OF_INPUT, start);
    }

    /** Consumes the rest of a container {@code depth} levels deep (strings respected); the input after it. */
    static InputStream closeContainer(InputStream in, int depth) throws IOException {
        Scan scan = new Scan(in);
        Strings strings = new Strings();
        int b;
        while (depth > 0 && (b = scan.read()) >= 0) {
            if (strings.swallow(b)) {
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return scan.bytes;
    }

    /** After an element closed: a comma then a brace is the next record; a bracket ends the array. */
    private static Found afterElement(Scan scan) throws IOException {
        int b = nextNonBlank(scan);
        if (b == ',') {
            return afterComma(scan);
        }
        if (b == ']' && endsArray(scan)) {
            return Found.ARRAY_END;
        }
        scan.unread(b);
        return null;
    }

    /**
     * After a comma, an opening brace and then a key (or an empty object) start the next record; a
     * brace followed by anything else is more likely structure inside a string the scan misread.
     */
    private static Found afterComma(Scan scan) throws IOException {
        int b = nextNonBlank(scan);
        if (b != '{') {
            scan.unread(b);
            return null;
        }
        int next = nextNonBlank(scan);
        scan.unread(next);
        if (next == '"' || next == '}') {
            scan.pushBack('{');
            return Found.NEXT_RECORD;
        }
        return null;
    }

    /** A bracket ends the array when what follows could follow an array: the wrapper's brace, a new value, or nothing. */
    private static boolean endsArray(Scan scan) throws IOException {
        int next = nextNonBlank(scan);
        scan.unread(next);
        return next < 0 || next == '}' || next == '{' || next == '[';
    }

    private static int nextNonBlank(Scan scan) throws IOException {
        int b;
        do {
            b = scan.read();
        } while (b == ' ' || b == '\t' || b == '\r' || b == '\n');
        return b;
    }

    /** The bytes being scanned, with what positions and the record count need. */
    private static final class Scan {
        final PushbackInputStream bytes;
        long read;
        long newlines;
        long sinceNewline;
        long keys;
        int keyMatch;

        Scan(InputStream in) {
            this.bytes = new PushbackInputStream(in, 2);
        }

        /** Gives back a byte read before the one just unread (the brace before a key). */
        void pushBack(int b) throws IOException {
            unread(b);
        }

        int read() throws IOException {
            int b = bytes.read();
            if (b < 0) {
                return b;
            }
            read++;
            if (b == '\n') {
                newlines++;
                sinceNewline = 0;
            } else {
                sinceNewline++;
            }
            // Records passed over are counted by their "eventTime" key (an estimate of what was lost).
            keyMatch = b == EVENT_TIME_KEY[keyMatch] ? keyMatch + 1 : (b == EVENT_TIME_KEY[0] ? 1 : 0);
            if (keyMatch == EVENT_TIME_KEY.length) {
                keys++;
                keyMatch = 0;
            }
            return b;
        }

        void unread(int b) throws IOException {
            if (b >= 0) {
                bytes.unread(b);
                read--;
                sinceNewline--; // never a newline: only non-blank bytes are pushed back
            }
        }

        Result result(Found found, long start) {
            return new Result(found, bytes, keys, start + read, read, newlines, sinceNewline + 1);
        }
    }

    /** Where a scan stands with respect to JSON strings: what is inside one is not structure. */
    private static final class Strings {
        private boolean inside;
        private boolean escaped;

        /** Whether {@code b} belongs to a string (its quotes included), so the scan passes over it. */
        boolean swallow(int b) {
            if (inside) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inside = false;
                }
                return true;
            }
            if (b == '"') {
                inside = true;
                return true;
            }
            return false;
        }

        /** A raw line break cannot be inside a JSON string: in step again. */
        void lineBreak() {
            inside = false;
            escaped = false;
        }
    }
}
