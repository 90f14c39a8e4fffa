package io.trailsentry.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Passes every dead letter on and keeps the first few, so whoever fed the input can be told why it
 * was refused (a replay that read nothing, an HTTP body with no readable record) without reading the
 * dead-letter file.
 */
public final class FirstDeadLetters implements DeadLetterSink {

    private final DeadLetterSink next;
    private final int keep;
    private final List<DeadLetter> first = new ArrayList<>();

    public FirstDeadLetters(DeadLetterSink next, int keep) {
        this.next = next;
        this.keep = keep;
    }

    @Override
    public void accept(DeadLetter deadLetter) {
        synchronized (first) {
            if (first.size() < keep) {
                first.add(deadLetter);
            }
        }
        next.accept(deadLetter);
    }

    /** The first dead letters, in the order they came. */
    public List<DeadLetter> first() {
        synchronized (first) {
            return List.copyOf(first);
        }
    }
}
