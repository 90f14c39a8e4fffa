package io.trailsentry.api;

import io.trailsentry.server.EngineService;

import io.trailsentry.pipeline.PipelineStats;
import jakarta.ws.rs.GET;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.Operation;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /status}: events read and rejected, alerts, duplicates, late events, the event-time clock. */
@Path("/status")
@Tag(name = "status")
public class StatusResource {

    private final EngineService engine;

    StatusResource(EngineService engine) {
        this.engine = engine;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Events read, rejected, duplicate and late; alerts; the event-time clock (viewer)")
    public PipelineStats status() {
        return engine.pipeline().stats();
    }
}
