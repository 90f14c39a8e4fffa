package io.trailsentry.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAPI document's frame ({@code /q/openapi}, Swagger UI at {@code /q/swagger-ui}): every
 * operation needs a bearer token; each operation's summary names the lowest role it needs. Declares no
 * resources itself, so every resource class is still discovered.
 */
@OpenAPIDefinition(
        info = @Info(title = "TrailSentry API", version = "0.1.0",
                description = "Real-time CloudTrail detection. Send 'Authorization: Bearer <token>'; roles: viewer (reads), "
                        + "analyst (viewer + incident triage), admin (everything: ingest, rules).",
                license = @License(name = "GPL-2.0")),
        security = @SecurityRequirement(name = ApiDocumentation.BEARER),
        tags = {
                @Tag(name = "ingest", description = "CloudTrail in"),
                @Tag(name = "alerts", description = "Alerts out"),
                @Tag(name = "rules", description = "The EPL rules: list, reload, validate"),
                @Tag(name = "status", description = "Engine counters and the caller's identity")})
@SecurityScheme(securitySchemeName = ApiDocumentation.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API token from trailsentry.api.auth.*-tokens, or the generated one in data/api-token")
public class ApiDocumentation extends Application {

    static final String BEARER = "bearer";
}
