package io.trailsentry.api.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * {@code Authorization: Bearer <token>} on every request. No header: anonymous, which the path
 * policies let through only to public paths (health, metrics, API docs, the console's static files).
 * A header with an unknown token: 401, whatever the path. Which role a path needs is configuration
 * ({@code quarkus.http.auth.permission.*} in {@code application.properties}), so endpoints added later
 * are covered by the defaults there.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    static final String SCHEME = "Bearer";
    private static final ChallengeData CHALLENGE =
            new ChallengeData(401, "WWW-Authenticate", SCHEME + " realm=\"trailsentry\"");

    /** With auth off, every caller acts as this admin. */
    static final SecurityIdentity ANONYMOUS_ADMIN = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("anonymous"))
            .addRoles(Role.ADMIN.grantedRoles())
            .build();

    private final ApiAccess access;

    BearerTokenMechanism(ApiAccess access) {
        this.access = access;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!access.enabled()) {
            return Uni.createFrom().item(ANONYMOUS_ADMIN);
        }
        if (tokenInUrl(context.request().query())) {
            // A URL is logged, kept in histories and sent on by proxies: a token there is refused, so
            // a client that tries it learns at once instead of leaking the secret for months.
            return Uni.createFrom().failure(new AuthenticationFailedException(
                    "send the token in the Authorization header (Bearer), never as ?" + URL_TOKEN_PARAMETER));
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        if (!header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the Authorization header must be 'Bearer <token>'"));
        }
        String token = header.substring(SCHEME.length() + 1).trim();
        TokenAuthenticationRequest request = new TokenAuthenticationRequest(new TokenCredential(token, SCHEME.toLowerCase()));
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context));
    }

    /** The OAuth 2.0 bearer-token URI parameter (RFC 6750 §2.3), which this API does not accept. */
    static final String URL_TOKEN_PARAMETER = "access_token";

    static boolean tokenInUrl(String query) {
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (name.equalsIgnoreCase(URL_TOKEN_PARAMETER)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(CHALLENGE);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME));
    }
}
