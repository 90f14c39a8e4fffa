package io.trailsentry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.trailsentry.backtest.Backtest;
import io.trailsentry.backtest.RuleChanges;
import io.trailsentry.server.BacktestJobStatus;
import io.trailsentry.server.BacktestJobs;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * {@code /rules/backtest}: a changed rule set tried on the server's event archive before it is saved
 * (admin). The work is {@link BacktestJobs}'; this only reads the request and answers.
 */
@Path("/rules/backtest")
@Tag(name = "rules")
public class RulesBacktestResource {

    /**
     * What {@code POST /rules/backtest} takes.
     *
     * @param files        changed files by name in the rules folder (e.g. {@code credential_access_secrets_bulk_retrieval.epl},
     *                     {@code allowlist.yaml}), laid over a copy of the deployed folder; a null text deletes the file
     * @param from         skip events before this (ISO instant, or a date: its UTC start); absent for the archive's start
     * @param to           skip events at or after this; absent for the archive's end
     * @param maxNewAlerts the gate: the result says whether the change raises more new alerts and incidents than this
     */
    public record Submission(Map<String, String> files, String from, String to, Integer maxNewAlerts) {
    }

    /** The JSON text around the files' texts (escapes can double a text's length). */
    static final int MAX_BODY_BYTES = 2 * RuleChanges.MAX_TOTAL_BYTES + 64 * 1024;

    private final BacktestJobs jobs;
    private final ObjectReader submissions;

    RulesBacktestResource(BacktestJobs jobs, ObjectMapper mapper) {
        this.jobs = jobs;
        // A misspelt field ("maxNewAlert") must not silently drop the gate.
        this.submissions = mapper.readerFor(Submission.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @POST
    @Operation(summary = "Backtest changed rule files on the server's event archive against the deployed rules (admin)",
            description = "The files are laid over a copy of the deployed rules folder; both sets replay the archive (from/to bound it by "
                    + "event time) in pipelines of their own, on one low-priority thread, without touching live detection. Answers 202 "
                    + "with the job and its Location; poll GET /rules/backtest/{id} for progress and, when done, the diff "
                    + "(the JSON of `rules backtest --json`). One job at a time: a submission while one runs is refused with 409.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Submission.class)))
    @APIResponse(responseCode = "202", description = "queued; Location names the job")
    @APIResponse(responseCode = "400", description = "not JSON, no files, a name that is not a rules file, a bad from/to")
    @APIResponse(responseCode = "409", description = "another backtest is running (its id is in the message), or the server keeps no archive")
    @APIResponse(responseCode = "413", description = "more than 64 files, a file over 256 KiB or over 2 MiB in all")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(InputStream body) {
        byte[] bytes = RequestBodies.readAtMost(body, MAX_BODY_BYTES);
        if (bytes == null) {
            return ApiError.response(413, "body_too_large", "the request is longer than " + MAX_BODY_BYTES
                    + " bytes; send only the changed files (at most " + RuleChanges.MAX_TOTAL_BYTES + " bytes of text)");
        }
        Submission submission;
        RuleChanges changes;
        Instant from;
        Instant to;
        try {
            submission = submissions.readValue(bytes);
            if (submission == null) {
                throw new IllegalArgumentException("empty body");
            }
            changes = RuleChanges.of(submission.files());
            from = Backtest.timeBound(submission.from(), "from");
            to = Backtest.timeBound(submission.to(), "to");
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("from " + from + " is not before to " + to);
            }
        } catch (JsonProcessingException e) {
            return ApiError.response(400, "invalid_backtest", "the body is not the expected JSON ({\"files\": {\"name.epl\": \"text\"}, "
                    + "\"from\": \"2026-01-20\", \"to\": \"2026-01-21\", \"maxNewAlerts\": 0}): " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            return ApiError.response(e instanceof RuleChanges.TooLarge ? 413 : 400, "invalid_backtest", e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            BacktestJobStatus job = jobs.submit(changes, from, to, submission.maxNewAlerts());
            return Response.accepted(job).location(URI.create("/rules/backtest/" + job.id())).type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (BacktestJobs.Busy e) {
            return ApiError.response(409, "backtest_running", e.getMessage());
        } catch (BacktestJobs.Unavailable e) {
            return ApiError.response(409, "no_archive", e.getMessage());
        }
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A backtest job: state (queued, running, done, failed, cancelled), events read, and when done the diff (admin)")
    @APIResponse(responseCode = "200", description = "the job")
    @APIResponse(responseCode = "404", description = "no such job (the last 20 finished jobs are kept, in memory)")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(@PathParam("id") String id) {
        return jobs.status(id).map(s -> Response.ok(s).build()).orElseGet(() -> unknown(id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a backtest job (admin)",
            description = "A queued job is cancelled at once; a running one stops at its next event or step (a rule set being compiled "
                    + "finishes compiling first): poll until its state is cancelled. A finished job is left as it is.")
    @APIResponse(responseCode = "200", description = "the job, cancelled or with cancelRequested")
    @APIResponse(responseCode = "404", description = "no such job")
    @Produces(MediaType.APPLICATION_JSON)
    public Response cancel(@PathParam("id") String id) {
        return jobs.cancel(id).map(s -> Response.ok(s).build()).orElseGet(() -> unknown(id));
    }

    private static Response unknown(String id) {
        return ApiError.response(404, "unknown_backtest", "no backtest job " + id.replaceAll("[^A-Za-z0-9-]", "?")
                + " on this server: the last 20 finished jobs are kept, in memory, and forgotten at restart");
    }

}
