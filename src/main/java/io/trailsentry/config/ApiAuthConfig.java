package io.trailsentry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens for the REST API, {@code trailsentry.api.auth.*}. Each list holds secrets, written
 * {@code name:secret} (the caller's name in logs and incident triage) or as a bare secret (named
 * {@code <role>-<n>}, its position in the list). Secrets are at least 16 characters.
 */
@ConfigMapping(prefix = "trailsentry.api.auth")
public interface ApiAuthConfig {

    /** Off only for a trusted, local setup: every caller is then treated as an admin named {@code anonymous}. */
    @WithDefault("true")
    boolean enabled();

    /** Read-only tokens: alerts, rules, status, incidents, the live stream. */
    Optional<List<String>> viewerTokens();

    /** Viewer plus incident acknowledge/resolve. */
    Optional<List<String>> analystTokens();

    /** Everything: ingest, rule reload and validation. */
    Optional<List<String>> adminTokens();

    /**
     * When auth is on and no token is configured: where a generated admin token is written on first
     * start (owner-only permissions) and read back on later starts.
     */
    @WithDefault("data/api-token")
    Path tokenFile();
}
