package io.trailsentry.api;

import io.trailsentry.server.EngineService;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.engine.Severity;
import io.trailsentry.incident.IncidentDetail;
import io.trailsentry.incident.IncidentPage;
import io.trailsentry.incident.IncidentQuery;
import io.trailsentry.incident.IncidentStore;
import io.trailsentry.incident.IncidentSummary;
import io.trailsentry.incident.JdbcIncidentRepository;
import io.trailsentry.incident.StoreException;
import io.trailsentry.incident.TriageStatus;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.security.Principal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The SOC console's API over the incident store:
 * <ul>
 *   <li>{@code GET /incidents?severity=High,Critical&stage=&account=&status=&from=&to=&sort=severity|lastSeen&page=0&size=50}:
 *       one page, its total and the filter bar's counts;</li>
 *   <li>{@code GET /incidents/{id}}: the incident with its breakdown, timeline, evidence events, linked
 *       identities, triage history and raw alerts;</li>
 *   <li>{@code POST /incidents/{id}/acknowledge} and {@code /resolve} with an optional {@code {"note": "…"}};</li>
 *   <li>{@code GET /incidents/stream}: server-sent events, {@code incident} on every create, escalation,
 *       new signal and triage change.</li>
 * </ul>
 * Who triaged is the authenticated user, or {@code anonymous} when the server runs without authentication.
 */
@Path("/incidents")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentsResource {

    /** An error the console shows as it is. */
    public record ApiError(String message) {
    }

    static final String ANONYMOUS = "anonymous";

    private final IncidentStore store;
    private final IncidentStream stream;
    private final EngineService engine;

    IncidentsResource(IncidentStore store, IncidentStream stream, EngineService engine) {
        this.store = store;
        this.stream = stream;
        this.engine = engine;
    }

    @GET
    public IncidentPage list(@QueryParam("severity") String severity,
                             @QueryParam("stage") String stage,
                             @QueryParam("account") String account,
                             @QueryParam("status") String status,
                             @QueryParam("from") String from,
                             @QueryParam("to") String to,
                             @QueryParam("sort") @DefaultValue("severity") String sort,
                             @QueryParam("page") @DefaultValue("0") int page,
                             @QueryParam("size") @DefaultValue("50") int size) {
        io.trailsentry.context.StageCatalog stages = engine.pipeline().stages();
        if (stage != null && !stage.isBlank() && !stages.contains(stage)) {
            throw error(Response.Status.BAD_REQUEST, "stage '" + stage + "' is not one of " + String.join(", ", stages.keys()));
        }
        IncidentQuery query;
        try {
            query = new IncidentQuery(severities(severity), stage, account,
                    status == null || status.isBlank() ? null : TriageStatus.parse(status),
                    instant("from", from), instant("to", to), sort(sort), page, size);
        } catch (IllegalArgumentException e) {
            throw error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        return read(() -> store.find(query)).withLadder(stages.stages().stream()
                .map(s -> new IncidentPage.LadderStage(s.key(), s.name(), s.abbreviation())).toList());
    }

    @GET
    @Path("/{id}")
    public IncidentDetail detail(@PathParam("id") String id) {
        return read(() -> store.detail(id))
                .orElseThrow(() -> error(Response.Status.NOT_FOUND, "no incident " + id));
    }

    @POST
    @Path("/{id}/acknowledge")
    @Consumes(MediaType.WILDCARD)
    public IncidentSummary acknowledge(@PathParam("id") String id, String body, @Context SecurityContext security) {
        return triage(id, TriageStatus.ACKNOWLEDGED, body, security);
    }

    @POST
    @Path("/{id}/resolve")
    @Consumes(MediaType.WILDCARD)
    public IncidentSummary resolve(@PathParam("id") String id, String body, @Context SecurityContext security) {
        return triage(id, TriageStatus.RESOLVED, body, security);
    }

    /**
     * Server-sent events: {@code ready} once connected, {@code incident} with {@code {change, incident}}
     * on every change, {@code ping} every 15 s so proxies and the console notice a dead connection.
     */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Context SseEventSink sink, @Context Sse sse) {
        stream.register(sink, sse);
    }

    private IncidentSummary triage(String id, TriageStatus status, String body, SecurityContext security) {
        String note = note(body);
        Principal principal = security == null ? null : security.getUserPrincipal();
        String by = principal == null || principal.getName() == null || principal.getName().isBlank() ? ANONYMOUS : principal.getName();
        return read(() -> store.triage(id, status, by, note))
                .orElseThrow(() -> error(Response.Status.NOT_FOUND, "no incident " + id));
    }

    /** An empty body, or {@code {"note": "…"}}. */
    static String note(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode json;
        try {
            json = AlertJson.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw error(Response.Status.BAD_REQUEST, "send an empty body or {\"note\": \"…\"}: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject() || (json.has("note") && !json.get("note").isTextual() && !json.get("note").isNull())) {
            throw error(Response.Status.BAD_REQUEST, "send an empty body or {\"note\": \"…\"}");
        }
        JsonNode note = json.get("note");
        String text = note == null || note.isNull() ? null : note.asText().strip();
        if (text != null && text.length() > JdbcIncidentRepository.NOTE_MAX) {
            throw error(Response.Status.BAD_REQUEST, "note is longer than " + JdbcIncidentRepository.NOTE_MAX + " characters");
        }
        return text == null || text.isEmpty() ? null : text;
    }

    static Set<Severity> severities(String text) {
        Set<Severity> out = new LinkedHashSet<>();
        if (text != null && !text.isBlank()) {
            Arrays.stream(text.split(",")).filter(s -> !s.isBlank()).forEach(s -> out.add(Severity.parse(s)));
        }
        return out;
    }

    static IncidentQuery.Sort sort(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "severity" -> IncidentQuery.Sort.SEVERITY;
            case "lastseen", "last_seen" -> IncidentQuery.Sort.LAST_SEEN;
            default -> throw new IllegalArgumentException("sort must be severity or lastSeen, was '" + text + "'");
        };
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant like 2024-08-01T10:00:00Z, was '" + value + "'");
        }
    }

    /** The database being down is the server's problem, not the request's: 503 with the reason. */
    private static <T> T read(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StoreException e) {
            throw error(Response.Status.SERVICE_UNAVAILABLE, "incident store unavailable: " + e.getMessage());
        }
    }

    private static WebApplicationException error(Response.Status status, String message) {
        return new WebApplicationException(message,
                Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(message)).build());
    }
}
