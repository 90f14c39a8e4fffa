package io.trailsentry.api.security;

import io.trailsentry.config.ApiAuthConfig;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's API tokens, read at start. With auth on and no token configured, an admin token is
 * generated into {@code token-file} (or read back from it) and the log says where it is — never what.
 */
@ApplicationScoped
@Startup
public class ApiAccess {

    private static final Logger LOG = Logger.getLogger(ApiAccess.class);

    /** The identity of the generated token. */
    static final String GENERATED_TOKEN_NAME = "admin";

    private final boolean enabled;
    private final ApiTokens tokens;

    ApiAccess(ApiAuthConfig config) {
        this.enabled = config.enabled();
        if (!enabled) {
            LOG.warn("API authentication is OFF (trailsentry.api.auth.enabled=false): every caller is an admin; use this only on a trusted host");
            this.tokens = ApiTokens.of(Map.of());
            return;
        }
        Map<Role, List<String>> configured = new EnumMap<>(Role.class);
        configured.put(Role.VIEWER, config.viewerTokens().orElse(List.of()));
        configured.put(Role.ANALYST, config.analystTokens().orElse(List.of()));
        configured.put(Role.ADMIN, config.adminTokens().orElse(List.of()));
        ApiTokens fromConfig = ApiTokens.of(configured);
        if (!fromConfig.isEmpty()) {
            this.tokens = fromConfig;
            LOG.infof("API authentication on: %d token(s) configured", fromConfig.size());
            return;
        }
        try {
            TokenFile.Result generated = TokenFile.readOrCreate(config.tokenFile());
            this.tokens = ApiTokens.of(Map.of(Role.ADMIN, List.of(GENERATED_TOKEN_NAME + ":" + generated.secret())));
            LOG.infof("API authentication on, no token configured: %s the admin token in %s; call the API with "
                            + "-H \"Authorization: Bearer $(cat %s)\"", generated.created() ? "generated" : "using",
                    config.tokenFile().toAbsolutePath(), config.tokenFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API token file " + config.tokenFile().toAbsolutePath()
                    + " (configure trailsentry.api.auth.admin-tokens, or fix the file's folder): " + e.getMessage(), e);
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** Who holds the presented secret, if anyone. */
    public Optional<ApiTokens.Holder> holderOf(String secret) {
        return tokens.match(secret);
    }
}
