package io.trailsentry.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

/** The API describes itself, bearer scheme and roles included, and its UI is served. */
@QuarkusTest
class OpenApiIT {

    @Test
    void theDocumentNamesTheBearerSchemeAndEachOperationsRole() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("security[0]", hasKey("bearer"))
                .body("paths.'/events'.post.summary", containsString("(admin)"))
                .body("paths.'/alerts'.get.summary", containsString("(viewer)"))
                .body("paths.'/rules/validate'.post.summary", containsString("(admin)"))
                .body("paths.'/rules/backtest'.post.summary", containsString("(admin)"))
                .body("paths.'/rules/backtest'.post.responses", hasKey("409"))
                .body("paths.'/rules/backtest/{id}'.get.summary", containsString("(admin)"))
                .body("paths.'/rules/backtest/{id}'.delete.summary", containsString("(admin)"))
                .body("paths.'/rules/files/{name}'.get.summary", containsString("(admin)"))
                .body("paths.'/events'.post.responses", hasKey("429"));
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
