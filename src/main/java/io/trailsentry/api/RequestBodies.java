package io.trailsentry.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Request bodies read with a bound of the endpoint's own, below the server-wide one (sized for {@code POST /events}). */
final class RequestBodies {

    private RequestBodies() {
    }

    /** The whole body, or null when it is longer than {@code limit}. */
    static byte[] readAtMost(InputStream in, int limit) {
        try {
            byte[] bytes = in.readNBytes(limit + 1);
            return bytes.length > limit ? null : bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body: " + e.getMessage(), e);
        }
    }
}
