package io.trailsentry.server;

/** Where the server's engine is in its life; only {@link #RUNNING} takes input. */
public enum EngineState {
    /** Compiling and deploying the rules. */
    STARTING,
    /** Taking input. */
    RUNNING,
    /** The rules did not load at start; the server is on its way down. */
    FAILED,
    /** Shut down (or shutting down): input is refused, the pipeline is closed. */
    STOPPED
}
