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

    /** The pipeline's totals, flat as before, and the event archive's ({@code archive}). */
    public record ServerStatus(@com.fasterxml.jackson.annotation.JsonUnwrapped PipelineStats pipeline,
                               io.trailsentry.archive.ArchiveStats archive) {
    }

    private final EngineService engine;
    private final io.trailsentry.server.ArchiveService archive;

    StatusResource(EngineService engine, io.trailsentry.server.ArchiveService archive) {
        this.engine = engine;
        this.archive = archive;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Events read, rejected, duplicate and late; alerts; the event-time clock; the event archive (viewer)")
    public ServerStatus status() {
        return new ServerStatus(engine.pipeline().stats(), archive.stats());
    }
}
