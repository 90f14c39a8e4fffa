package io.trailsentry.api;

import io.trailsentry.server.EngineService;
import io.trailsentry.server.RuleFiles;
import io.trailsentry.server.RuleValidations;

import io.trailsentry.engine.EsperEngine;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.ReloadStatus;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.Operation;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The rule lifecycle for detection engineers:
 * {@code GET /rules} (deployed rules with metadata, file, deployment time, hit counts, and the last
 * reload's result), {@code POST /rules/reload} (re-read {@code epl/} now), {@code POST /rules/validate}
 * (compile an EPL text in isolation and answer its errors, running and deploying nothing), {@code GET /rules/files/{name}}
 * (a rules file's text, where a change starts).
 */
@Path("/rules")
@Tag(name = "rules")
public class RulesResource {

    /** What {@code GET /rules} answers. */
    public record RuleSet(List<DeployedRuleView> rules, int statements, ReloadStatus lastReload, List<DisabledRuleView> disabled) {
    }

    /** A rule taken out of the engine because an evaluation spent its budget; it stays off until its file changes. */
    public record DisabledRuleView(String id, String name, String file, String statement, String error, java.time.Instant disabledAt) {
        static List<DisabledRuleView> of(EsperEngine.DisabledFile file) {
            List<DisabledRuleView> views = new java.util.ArrayList<>();
            for (var rule : file.rules()) {
                views.add(new DisabledRuleView(rule.id(), rule.name(), file.file().relativePath(), file.statement(), file.reason(), file.at()));
            }
            if (views.isEmpty()) {
                views.add(new DisabledRuleView(null, null, file.file().relativePath(), file.statement(), file.reason(), file.at()));
            }
            return views;
        }
    }

    /** One deployed rule, flat for readers of the JSON. */
    public record DeployedRuleView(String id, String name, String severity, List<String> stages, String mitreTactic,
                                   String mitreTechnique, String description, String version, String statementName,
                                   String file, java.time.Instant deployedAt, long hits) {
        static DeployedRuleView of(DetectionPipeline.DeployedRule r) {
            var m = r.rule();
            return new DeployedRuleView(m.id(), m.name(), m.severity().name(), m.stages(), m.mitre().tactic() + " (" + m.mitre().tacticId() + ")",
                    m.mitre().techniqueId(), m.description(), m.version(), m.statementName(), r.file(), r.deployedAt(), r.hits());
        }
    }

    private final EngineService engine;
    private final RuleValidations validations;
    private final RuleFiles files;

    RulesResource(EngineService engine, RuleValidations validations, RuleFiles files) {
        this.engine = engine;
        this.validations = validations;
        this.files = files;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deployed rules with metadata, file, hit counts and the last reload's result; rules disabled for spending their evaluation budget, with the error (viewer)")
    public RuleSet list() {
        DetectionPipeline pipeline = engine.pipeline();
        return new RuleSet(pipeline.deployedRules().stream().map(DeployedRuleView::of).toList(), pipeline.statementCount(),
                pipeline.lastReload(), pipeline.disabledRules().stream().flatMap(f -> DisabledRuleView.of(f).stream()).toList());
    }

    @GET
    @Path("/files/{name: .+}")
    @Operation(summary = "The text of a file in the deployed rules folder: a rule, its tests, scoring.yaml, allowlist.yaml (admin)",
            description = "What a change starts from (the console's backtest editor). Names as in GET /rules' file; only .epl, .yml and .yaml "
                    + "files inside the folder.")
    @APIResponse(responseCode = "200", description = "the file's text")
    @APIResponse(responseCode = "400", description = "not the name of a rules file")
    @APIResponse(responseCode = "404", description = "no such file in the rules folder")
    @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    public Response file(@PathParam("name") String name) throws IOException {
        try {
            return files.read(name).map(text -> Response.ok(text, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build())
                    .orElseGet(() -> ApiError.response(404, "unknown_rule_file", "the rules folder has no file " + name
                            + "; GET /rules lists each rule's file"));
        } catch (IllegalArgumentException e) {
            return ApiError.response(400, "invalid_rule_file", e.getMessage());
        }
    }

    @POST
    @Path("/reload")
    @Operation(summary = "Recompile the rules folder and swap it in if all of it compiles (admin)",
            description = "200 with what changed, or 422 with the errors (file, line, column); the previous rules keep running on error.")
    @Produces(MediaType.APPLICATION_JSON)
    public Response reload() {
        ReloadStatus status = engine.pipeline().reloadRules();
        return Response.status(status.ok() ? 200 : 422).entity(status).build();
    }

    @POST
    @Path("/validate")
    @Operation(summary = "Compile an EPL text in isolation and check its metadata; runs and deploys nothing (admin)",
            description = "The rule sandbox applies: Java classes, scripts, imports and reflection are refused. ?name= sets the file name used in errors. "
                    + "One text is compiled at a time; texts over 256 KiB are refused.")
    @APIResponse(responseCode = "200", description = "valid: the rules it defines")
    @APIResponse(responseCode = "400", description = "empty body")
    @APIResponse(responseCode = "413", description = "text longer than 256 KiB")
    @APIResponse(responseCode = "422", description = "errors with file, line and column")
    @APIResponse(responseCode = "429", description = "another validation held the compiler; retry after Retry-After")
    @Consumes({MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    public Response validate(InputStream body, @QueryParam("name") String name) throws InterruptedException {
        String file = name == null || name.isBlank() ? "submitted.epl" : name;
        byte[] text = RequestBodies.readAtMost(body, RuleValidations.MAX_TEXT_BYTES);
        if (text == null) {
            return ApiError.response(413, "text_too_large", "the EPL text is longer than " + RuleValidations.MAX_TEXT_BYTES
                    + " bytes; validate one rules file at a time");
        }
        String epl = new String(text, StandardCharsets.UTF_8);
        if (epl.isBlank()) {
            return Response.status(400).entity(new EsperEngine.Validation(
                    List.of(new io.trailsentry.engine.RuleError("(body)", 0, 0, "empty body: send the EPL text as text/plain")), List.of())).build();
        }
        Optional<EsperEngine.Validation> result = validations.validate(epl, file, engine.pipeline().stages());
        if (result.isEmpty()) {
            return ApiError.builder(429, "validator_busy", "another rule text is being compiled; retry in "
                    + RuleValidations.MAX_WAIT_SECONDS + " s").header(HttpHeaders.RETRY_AFTER, RuleValidations.MAX_WAIT_SECONDS).build();
        }
        return Response.status(result.get().valid() ? 200 : 422).entity(result.get()).build();
    }
}
