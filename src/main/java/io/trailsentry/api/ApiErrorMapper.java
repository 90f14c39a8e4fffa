package io.trailsentry.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Gives a JAX-RS exception's bodiless answer (a 400 for a bad query parameter, a 404, a 405) an {@link ApiError} body. */
public class ApiErrorMapper {

    /** A JAX-RS exception thrown by a resource or by parameter conversion, answered with a JSON body. */
    @ServerExceptionMapper
    public Response of(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.hasEntity()) {
            return original;
        }
        int status = original.getStatus();
        Response.StatusType type = original.getStatusInfo();
        String error = type.getReasonPhrase() == null ? "error_" + status
                : type.getReasonPhrase().toLowerCase(java.util.Locale.ROOT).replace(' ', '_');
        String message = e.getMessage() == null || e.getMessage().startsWith("HTTP " + status) ? type.getReasonPhrase() : e.getMessage();
        Response.ResponseBuilder answer = Response.fromResponse(original).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, message));
        return answer.build();
    }
}
