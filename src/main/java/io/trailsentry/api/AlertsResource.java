package io.trailsentry.api;

import io.trailsentry.server.EngineService;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertStore;
import io.trailsentry.engine.Severity;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.Operation;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /alerts}: the most recent alerts, newest first.
 * Filters: {@code severity} (minimum, e.g. {@code High}), {@code principal} (principalId, ARN or name),
 * {@code from} / {@code to} (ISO-8601 instants over the alert window), {@code limit} (default 100, max 1000).
 */
@Path("/alerts")
@Tag(name = "alerts")
public class AlertsResource {

    private final EngineService engine;

    AlertsResource(EngineService engine) {
        this.engine = engine;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Recent alerts, newest first (viewer)",
            description = "Alerts for people by default; include=building-blocks,suppressed (or all) adds signals that only feed "
                    + "incidents and allowlisted ones. Filters: minimum severity, principal (principalId, ARN, name or actor name), "
                    + "from/to (ISO-8601), limit (1-1000, default 100).")
    public List<Alert> list(@QueryParam("severity") String severity,
                            @QueryParam("principal") String principal,
                            @QueryParam("from") String from,
                            @QueryParam("to") String to,
                            @QueryParam("limit") @DefaultValue("100") int limit,
                            @QueryParam("include") String include) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit must be between 1 and 1000");
        }
        Severity minSeverity;
        try {
            minSeverity = severity == null ? null : Severity.parse(severity);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        java.util.Set<io.trailsentry.alert.AlertKind> kinds;
        try {
            kinds = io.trailsentry.alert.AlertKind.parseInclude(include);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        return engine.alerts().find(new AlertStore.AlertQuery(minSeverity, principal, instant("from", from), instant("to", to), limit, kinds));
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 instant like 2024-08-01T10:00:00Z, was '" + value + "'");
        }
    }
}
