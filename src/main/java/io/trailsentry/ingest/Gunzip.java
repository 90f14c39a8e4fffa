package io.trailsentry.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Decompresses a gzip payload whole, up to a limit: a bomb stops at the limit, not at the heap's end. */
public final class Gunzip {

    private Gunzip() {
    }

    /** gzip's magic bytes, 1f 8b. */
    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    /**
     * @return the decompressed bytes, or null when they would be more than {@code limit}
     * @throws IOException when the bytes are not gzip or are cut short (the message says how)
     */
    public static byte[] atMost(byte[] compressed, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), buffer.length)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        } catch (java.io.EOFException e) {
            throw new IOException("it ends before its end marker", e);
        }
        return out.toByteArray();
    }
}
