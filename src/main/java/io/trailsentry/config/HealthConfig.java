package io.trailsentry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Health checks, {@code trailsentry.health.*}. */
@ConfigMapping(prefix = "trailsentry.health")
public interface HealthConfig {

    /**
     * Liveness: the engine is wedged when its lock cannot be taken for this long. Longer than a rule
     * reload's swap and than one large payload, which hold the lock legitimately.
     */
    @WithDefault("30s")
    Duration engineLockTimeout();

    /**
     * Readiness: the engine cannot take events when its lock could not be taken for this long (a
     * wedged rule, a stuck step); the probe then says DOWN so no new input is routed here, well before
     * liveness gives up on the process.
     */
    @WithDefault("5s")
    Duration engineBusyTimeout();
}
