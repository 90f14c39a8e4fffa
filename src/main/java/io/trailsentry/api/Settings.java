package io.trailsentry.api;

import io.trailsentry.engine.EngineSettings;
import io.trailsentry.pipeline.TrailSentryConfig;

import java.util.HashMap;
import java.util.Map;

/** Maps operator configuration onto the plain settings records the core packages take. */
final class Settings {

    private Settings() {
    }

    static EngineSettings engineSettings(TrailSentryConfig config) {
        Map<String, Object> parameters = new HashMap<>(config.rules().parameters());
        return new EngineSettings(config.rules().dir(), config.engine().allowedLateness(), parameters);
    }
}
