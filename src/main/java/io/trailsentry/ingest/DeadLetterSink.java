package io.trailsentry.ingest;

/** Receives records the parser set aside. Implementations must not throw for ordinary I/O hiccups. */
@FunctionalInterface
public interface DeadLetterSink {
    void accept(DeadLetter deadLetter);
}
