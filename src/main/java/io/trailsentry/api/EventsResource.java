package io.trailsentry.api;

import io.trailsentry.ingest.ReadSummary;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /events}: CloudTrail in any shape the parser takes (S3 Records file, JSON lines, one
 * record, an array, EventBridge envelopes), plain or gzip. Bad records are set aside as dead letters;
 * the answer says how many were accepted and rejected.
 */
@Path("/events")
public class EventsResource {

    /** What the caller learns about its payload. */
    public record IngestResponse(long accepted, long rejected, String deadLetterFile, String message) {
    }

    private final EngineService engine;
    private final io.trailsentry.pipeline.TrailSentryConfig config;

    EventsResource(EngineService engine, io.trailsentry.pipeline.TrailSentryConfig config) {
        this.engine = engine;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingest(byte[] body) {
        if (body == null || body.length == 0) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new IngestResponse(0, 0, null, "empty body: send CloudTrail JSON (Records file, JSON lines, a record or an array)"))
                    .build();
        }
        ReadSummary summary = engine.ingest(body, "http");
        String deadLetterFile = config.deadLetter().file().toString();
        if (summary.accepted() == 0 && summary.rejected() > 0) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new IngestResponse(0, summary.rejected(), deadLetterFile,
                            "no CloudTrail record could be read; the reasons are in the dead-letter file"))
                    .build();
        }
        String message = summary.rejected() == 0 ? "ok" : summary.rejected() + " record(s) rejected; reasons in the dead-letter file";
        return Response.accepted(new IngestResponse(summary.accepted(), summary.rejected(), deadLetterFile, message)).build();
    }
}
