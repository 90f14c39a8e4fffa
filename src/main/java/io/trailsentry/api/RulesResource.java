package io.trailsentry.api;

import io.trailsentry.engine.RuleMetadata;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code GET /rules}: every deployed rule with its metadata and file. */
@Path("/rules")
public class RulesResource {

    private final EngineService engine;

    RulesResource(EngineService engine) {
        this.engine = engine;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RuleMetadata> list() {
        return engine.pipeline().rules();
    }
}
