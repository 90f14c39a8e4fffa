package io.trailsentry.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A stream that keeps the last bytes read from it, so a broken record can be read again from its
 * start ({@link RecordResync}) although the parser has already consumed it. Holds at most
 * {@code window} bytes (twice that while it drops the older half); starts small.
 */
final class RecentBytes extends FilterInputStream {

    private final int window;
    private byte[] kept = new byte[64 * 1024];
    private int length;
    /** Offset (from the stream's first byte) of {@code kept[0]}. */
    private long keptFrom;

    RecentBytes(InputStream in, int window) {
        super(in);
        this.window = window;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            keep(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            keep(b, off, n);
        }
        return n;
    }

    /**
     * The stream again from {@code offset}: the kept bytes from there, then what has not been read
     * yet (which is no longer kept). Null when those bytes were dropped already.
     */
    InputStream from(long offset) {
        if (offset < keptFrom || offset > keptFrom + length) {
            return null;
        }
        int at = (int) (offset - keptFrom);
        byte[] again = Arrays.copyOfRange(kept, at, length);
        // then this stream itself, so what is read next is kept too (a later record may break as well)
        return Concat.of(again, this);
    }

    private void keep(byte[] b, int off, int n) {
        if (length + n > kept.length) {
            if (length + n > window) {
                int drop = Math.min(length, length + n - window / 2);
                System.arraycopy(kept, drop, kept, 0, length - drop);
                length -= drop;
                keptFrom += drop;
            }
            if (length + n > kept.length) {
                kept = Arrays.copyOf(kept, Math.max(length + n, Math.min(kept.length * 2, window * 2)));
            }
        }
        System.arraycopy(b, off, kept, length, n);
        length += n;
    }
}
