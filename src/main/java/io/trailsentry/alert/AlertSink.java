package io.trailsentry.alert;

/** Where alerts go. Called on the engine thread: implementations must be quick or hand off. */
@FunctionalInterface
public interface AlertSink {
    void emit(Alert alert);
}
