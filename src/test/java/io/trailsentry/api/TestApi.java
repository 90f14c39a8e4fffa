package io.trailsentry.api;

import io.restassured.specification.RequestSpecification;

import static io.restassured.RestAssured.given;

/** Requests as each role, with the tokens the test profile configures ({@code %test.trailsentry.api.auth.*}). */
public final class TestApi {

    public static final String VIEWER_TOKEN = "test-viewer-token";
    public static final String ANALYST_TOKEN = "test-analyst-token";
    public static final String ADMIN_TOKEN = "test-admin-token";

    private TestApi() {
    }

    public static RequestSpecification asViewer() {
        return as(VIEWER_TOKEN);
    }

    public static RequestSpecification asAnalyst() {
        return as(ANALYST_TOKEN);
    }

    public static RequestSpecification asAdmin() {
        return as(ADMIN_TOKEN);
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
