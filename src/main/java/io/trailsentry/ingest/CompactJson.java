package io.trailsentry.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;

/**
 * Copies the parser's current value (requestParameters, responseElements) out as compact JSON text.
 *
 * <p>One generator and one char buffer are reused for every record of a read call, so copying costs
 * the final String and nothing else. The buffer stops growing at the limit but keeps counting, so an
 * oversized value is consumed (the parser must move past it anyway) without being held in memory, and
 * the rejection can say how big it was.
 */
final class CompactJson {

    private final JsonFactory factory;
    private final BoundedBuffer buffer;
    private JsonGenerator generator;

    CompactJson(JsonFactory factory, int maxChars) {
        this.factory = factory;
        this.buffer = new BoundedBuffer(maxChars);
    }

    /**
     * Copies the value at the parser's current token and leaves the parser on its last token.
     *
     * @return the compact JSON text, or null when it exceeded the limit (see {@link #lastLength()})
     * @throws IOException when the input is malformed inside the value (a syntax error for the caller)
     */
    String copyCurrentValue(JsonParser p) throws IOException {
        buffer.reset();
        JsonGenerator g = generator();
        try {
            // Exact: keeps 1.10 as 1.10 rather than round-tripping it through a double.
            g.copyCurrentStructureExact(p);
            g.flush();
        } catch (IOException | RuntimeException e) {
            // The generator is now half-way through a structure; start the next value with a fresh one.
            generator = null;
            throw e;
        }
        return buffer.overflowed() ? null : buffer.text();
    }

    /** Length in chars of the last value copied, including the part not kept when it overflowed. */
    long lastLength() {
        return buffer.total;
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            generator = factory.createGenerator(buffer);
        }
        return generator;
    }

    /** A Writer into a reusable char array that keeps at most {@code limit} chars and counts the rest. */
    private static final class BoundedBuffer extends Writer {
        private final int limit;
        private char[] chars = new char[1024];
        private int length;
        private long total;

        BoundedBuffer(int limit) {
            this.limit = limit;
        }

        void reset() {
            length = 0;
            total = 0;
        }

        boolean overflowed() {
            return total > limit;
        }

        String text() {
            return new String(chars, 0, length);
        }

        @Override
        public void write(char[] src, int off, int len) {
            total += len;
            if (total > limit) {
                return;
            }
            ensure(len);
            System.arraycopy(src, off, chars, length, len);
            length += len;
        }

        @Override
        public void write(String src, int off, int len) {
            total += len;
            if (total > limit) {
                return;
            }
            ensure(len);
            src.getChars(off, off + len, chars, length);
            length += len;
        }

        @Override
        public void write(int c) {
            total++;
            if (total > limit) {
                return;
            }
            ensure(1);
            chars[length++] = (char) c;
        }

        private void ensure(int more) {
            if (length + more > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(length + more, Math.min(limit, chars.length * 2)));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
