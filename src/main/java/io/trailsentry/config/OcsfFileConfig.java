package io.trailsentry.config;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/** The OCSF findings file, {@code trailsentry.sinks.ocsf-file.*}: off until a path is set. See docs/operations.md "Sinks". */
@ConfigMapping(prefix = "trailsentry.sinks.ocsf-file")
public interface OcsfFileConfig {

    /** JSON-lines file every alert is appended to as an OCSF Detection Finding (each finding event once). */
    Optional<Path> path();
}
