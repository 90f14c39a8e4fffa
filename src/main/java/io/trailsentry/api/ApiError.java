package io.trailsentry.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The JSON body of every refusal the API answers itself: what went wrong ({@code error}, stable, for
 * programs) and what to do ({@code message}, for people). A resource that throws a JAX-RS exception
 * (a bad query parameter: {@code BadRequestException}) gets the same body from {@link ApiErrorMapper},
 * so no 4xx leaves without one.
 */
public record ApiError(String error, String message) {

    static Response response(int status, String error, String message) {
        return builder(status, error, message).build();
    }

    static Response.ResponseBuilder builder(int status, String error, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, message));
    }
}
