package io.trailsentry.api;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.Operation;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * {@code GET /me}: who the presented token stands for and its roles, so a client (the console) can
 * show the caller's name and offer only what the role allows. Any valid token may ask.
 */
@Path("/me")
@Tag(name = "status")
public class IdentityResource {

    /** The caller: its name (as recorded in triage and access logs) and roles, lowest first. */
    public record Caller(String name, List<String> roles) {
    }

    private final SecurityIdentity identity;

    IdentityResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Who the token stands for: name and roles (viewer)")
    public Caller me() {
        List<String> roles = java.util.Arrays.stream(io.trailsentry.api.security.Role.values())
                .map(io.trailsentry.api.security.Role::roleName).filter(identity.getRoles()::contains).toList();
        return new Caller(identity.getPrincipal().getName(), roles);
    }
}
