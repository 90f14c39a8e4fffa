package io.trailsentry.ingest;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Bytes then a stream, as one stream that never closes the stream: {@link SequenceInputStream}
 * closes each part it has read to the end, and a resync reads the same underlying input through
 * several such sequences one after another.
 */
final class Concat {

    private Concat() {
    }

    static InputStream of(byte[] head, InputStream tail) {
        return new SequenceInputStream(new ByteArrayInputStream(head), new FilterInputStream(tail) {
            @Override
            public void close() {
                // the tail belongs to whoever reads on after this sequence
            }
        });
    }
}
