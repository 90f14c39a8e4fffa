package io.trailsentry.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/** {@code /} opens the SOC console (static files under {@code /console/}, served by Quarkus). */
@Path("/")
public class ConsoleResource {

    @GET
    public Response root() {
        return Response.seeOther(URI.create("/console/")).build();
    }
}
