package io.trailsentry.bench.peers;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.List;

/**
 * One implementation of the two benchmarked rules. Setting up (compiling rules, building an app) is
 * not timed; a {@link Session} is fed the prepared events one by one and then told the input ended.
 */
public interface PeerEngine {

    /** Short name for the table, e.g. {@code Siddhi 5.1.21}. */
    String name();

    /** How it implements the rules, one line. */
    String description();

    /** A fresh engine with empty state. */
    Session open() throws Exception;

    interface Session extends AutoCloseable {

        void accept(CloudTrailEvent event) throws Exception;

        /** End of input: close every open bin and window, as a replay does. */
        void finish() throws Exception;

        /** The alerts emitted so far, in emission order (duplicates kept, so they can be counted). */
        List<AlertKey> alerts();

        @Override
        void close() throws Exception;
    }
}
