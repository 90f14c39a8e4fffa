package io.trailsentry.server;

/** Input arrived while the engine is not {@link EngineState#RUNNING}: it was not read. */
public final class EngineUnavailableException extends RuntimeException {

    private final EngineState state;

    public EngineUnavailableException(EngineState state) {
        super("the engine is " + state.name().toLowerCase(java.util.Locale.ROOT) + "; input is not accepted");
        this.state = state;
    }

    public EngineState state() {
        return state;
    }
}
