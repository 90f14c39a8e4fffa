package io.trailsentry.ingest;

import java.util.ArrayList;
import java.util.List;

/** In-memory dead-letter sink for tests; thread-safe so it can back concurrent readers too. */
final class CollectingDeadLetters implements DeadLetterSink {

    private final List<DeadLetter> letters = new ArrayList<>();

    @Override
    public synchronized void accept(DeadLetter deadLetter) {
        letters.add(deadLetter);
    }

    synchronized List<DeadLetter> all() {
        return List.copyOf(letters);
    }

    synchronized DeadLetter only() {
        if (letters.size() != 1) {
            throw new AssertionError("expected exactly one dead letter, got " + letters);
        }
        return letters.get(0);
    }
}
