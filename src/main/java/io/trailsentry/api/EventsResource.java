package io.trailsentry.api;

import io.trailsentry.config.IngestConfig;
import io.trailsentry.server.EngineService;
import io.trailsentry.server.EngineState;
import io.trailsentry.server.EngineUnavailableException;
import io.trailsentry.server.IngestGate;
import io.trailsentry.server.PipelineMetrics;

import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.ingest.FirstDeadLetters;
import io.trailsentry.ingest.Gunzip;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.pipeline.DetectionPipeline;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /events}: CloudTrail in any shape the parser takes (S3 Records file, JSON lines, one
 * record, an array, EventBridge envelopes), plain or gzip. Bad records are set aside as dead letters;
 * the answer says how many were accepted and rejected.
 *
 * <p>Bounded: a request waits at most {@code trailsentry.ingest.max-wait} for one of
 * {@code max-in-flight} turns (else 429 with Retry-After), its body is read only once it has a turn
 * and only up to {@code max-body-size} (else 413), and nothing is taken while the engine is not
 * running (503).
 */
@Path("/events")
@Tag(name = "ingest")
public class EventsResource {

    /**
     * What the caller learns about its payload: counts, and the first records set aside with where and
     * why (the sender can fix its input without access to the server's dead-letter file).
     */
    public record IngestResponse(long accepted, long rejected, String message, List<Rejection> rejections) {
    }

    /** A record set aside: where in the payload and why. */
    public record Rejection(String position, String reason) {
        static Rejection of(DeadLetter letter) {
            return new Rejection(letter.position(), letter.reason());
        }
    }

    /** How many rejections an answer quotes. */
    static final int QUOTED_REJECTIONS = 5;

    /** Why a payload was not taken, and what the sender can do. */
    public record Refusal(String error, String message, String engineState, Double engineLagSeconds, Integer inFlight,
                          Integer queued, Long retryAfterSeconds, Long maxBodyBytes) {
    }

    /** A body larger than the limit is read this far more before answering, so the sender sees the 413 rather than a reset. */
    private static final long DRAIN_FACTOR = 2;

    private final EngineService engine;
    private final IngestGate gate;
    private final long maxBodyBytes;

    EventsResource(EngineService engine, IngestGate gate, IngestConfig ingest) {
        this.engine = engine;
        this.gate = gate;
        this.maxBodyBytes = ingest.maxBodySize().asLongValue();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest CloudTrail records (admin)",
            description = "Any shape: an S3 Records file, JSON lines, one record, an array, EventBridge envelopes; plain or gzip. "
                    + "Bad records go to the dead-letter file; the good ones beside them are processed.")
    @APIResponse(responseCode = "202", description = "accepted (some records may have been rejected: see the counts)")
    @APIResponse(responseCode = "400", description = "empty body, no record could be read (the first reasons are listed), or declared gzip but not gzip")
    @APIResponse(responseCode = "413", description = "body larger than trailsentry.ingest.max-body-size, compressed or once decompressed")
    @APIResponse(responseCode = "415", description = "a Content-Encoding other than gzip")
    @APIResponse(responseCode = "429", description = "the engine is behind; retry after the Retry-After header")
    @APIResponse(responseCode = "503", description = "the engine is not running (starting or stopping)")
    public Response ingest(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                           @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding) throws InterruptedException {
        EngineState state = engine.state();
        if (state != EngineState.RUNNING) {
            return notRunning(state);
        }
        if (contentLength != null && contentLength > maxBodyBytes) {
            drain(body, maxBodyBytes * DRAIN_FACTOR);
            return tooLarge();
        }
        Optional<IngestGate.Turn> turn = gate.enter();
        if (turn.isEmpty()) {
            return busy();
        }
        try (IngestGate.Turn ignored = turn.get()) {
            byte[] payload = readAtMost(body, maxBodyBytes);
            if (payload == null) {
                drain(body, maxBodyBytes * DRAIN_FACTOR);
                return tooLarge();
            }
            Encoding encoding = Encoding.of(contentEncoding);
            if (encoding == Encoding.UNSUPPORTED) {
                return ApiError.response(415, "unsupported_content_encoding", "Content-Encoding '" + contentEncoding
                        + "' is not supported: send the body plain or gzip-compressed (Content-Encoding: gzip)");
            }
            if (encoding == Encoding.GZIP || Gunzip.isGzip(payload)) {
                // Decompressed here rather than by the HTTP layer, so a body that is not gzip gets a 400
                // saying so and a bomb a 413 saying so, each with a JSON body (issue #17, 8).
                try {
                    payload = Gunzip.atMost(payload, maxBodyBytes);
                } catch (IOException e) {
                    return ApiError.response(400, "not_gzip", (encoding == Encoding.GZIP ? "the body is declared Content-Encoding: gzip but "
                            : "the body starts like gzip but ") + "could not be decompressed (" + e.getMessage()
                            + "): send it plain, or compress it whole with gzip");
                }
                if (payload == null) {
                    return tooLarge(" once decompressed");
                }
            }
            if (payload.length == 0) {
                return Response.status(Response.Status.BAD_REQUEST)
                        .entity(new IngestResponse(0, 0, "empty body: send CloudTrail JSON (Records file, JSON lines, a record or an array)", List.of()))
                        .build();
            }
            FirstDeadLetters rejections = new FirstDeadLetters(d -> { }, QUOTED_REJECTIONS);
            return accepted(engine.ingest(payload, DetectionPipeline.HTTP, rejections), rejections.first());
        } catch (EngineUnavailableException e) {
            return notRunning(e.state());
        }
    }

    private Response accepted(ReadSummary summary, List<DeadLetter> first) {
        List<Rejection> quoted = first.stream().map(Rejection::of).toList();
        if (summary.accepted() == 0 && summary.rejected() > 0) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new IngestResponse(0, summary.rejected(), "no CloudTrail record could be read: "
                            + (quoted.isEmpty() ? "see the dead letters" : quoted.get(0).position() + ": " + quoted.get(0).reason()), quoted))
                    .build();
        }
        String message = summary.rejected() == 0 ? "ok" : summary.rejected() + " record(s) rejected; the first "
                + quoted.size() + " are listed with where and why";
        return Response.accepted(new IngestResponse(summary.accepted(), summary.rejected(), message, quoted)).build();
    }

    private Response busy() {
        engine.metrics().refused(DetectionPipeline.HTTP, "busy");
        double lag = engine.pipeline() == null ? 0 : PipelineMetrics.lagSeconds(engine.pipeline());
        int inFlight = gate.inFlight();
        int queued = gate.waiting();
        long retryAfter = gate.retryAfterSeconds();
        String message = String.format(java.util.Locale.ROOT,
                "the engine is behind: %d request(s) in progress and %d waiting, event time %.1f s behind the clock; retry in %d s",
                inFlight, queued, lag, retryAfter);
        return Response.status(Response.Status.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, retryAfter)
                .entity(new Refusal("engine_busy", message, EngineState.RUNNING.name(), lag, inFlight, queued, retryAfter, null))
                .build();
    }

    private Response notRunning(EngineState state) {
        engine.metrics().refused(DetectionPipeline.HTTP, "not_running");
        String message = switch (state) {
            case STARTING -> "the engine is starting (compiling rules); retry in a few seconds";
            case FAILED -> "the rules did not load at start; the server is stopping (see its log)";
            default -> "the server is shutting down; send to another instance or retry after it restarts";
        };
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, 5)
                .entity(new Refusal("engine_not_running", message, state.name(), null, null, null, 5L, null))
                .build();
    }

    private Response tooLarge() {
        return tooLarge("");
    }

    private Response tooLarge(String when) {
        engine.metrics().refused(DetectionPipeline.HTTP, "too_large");
        return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE)
                .entity(new Refusal("body_too_large", "the body is larger than " + maxBodyBytes
                        + " bytes" + when + " (trailsentry.ingest.max-body-size): split it, or drop the file into the inbox folder",
                        engine.state().name(), null, null, null, null, maxBodyBytes))
                .build();
    }

    /** The whole body, or null when it is longer than {@code limit} (then the rest is still unread). */
    private static byte[] readAtMost(InputStream in, long limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** What the body's Content-Encoding says. */
    private enum Encoding {
        NONE, GZIP, UNSUPPORTED;

        static Encoding of(String header) {
            if (header == null || header.isBlank() || header.trim().equalsIgnoreCase("identity")) {
                return NONE;
            }
            String value = header.trim().toLowerCase(java.util.Locale.ROOT);
            return value.equals("gzip") || value.equals("x-gzip") ? GZIP : UNSUPPORTED;
        }
    }

    private static void drain(InputStream in, long atMost) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; total < atMost && (n = in.read(buffer)) > 0; ) {
                total += n;
            }
        } catch (IOException ignored) {
            // the sender went away; the answer is the same
        }
    }
}
