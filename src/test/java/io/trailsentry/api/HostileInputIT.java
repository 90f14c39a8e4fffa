package io.trailsentry.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trailsentry.server.EngineService;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

import static io.restassured.RestAssured.given;
import static io.trailsentry.api.TestApi.asAdmin;
import static io.trailsentry.api.TestApi.asViewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The server against hostile and broken input (issue #17, 6, 8, 9; issue #16's JSON 400s): every
 * refusal has a JSON body saying why, a broken record costs itself, validation never runs what it is
 * sent, and status, rules and readiness answer while the engine is held.
 */
@QuarkusTest
class HostileInputIT {

    @Inject
    EngineService engine;

    /** Before the other tests' days, and after BackpressureIT's: these tests do not need alerts. */
    private static final Instant T = Instant.parse("2024-08-01T11:00:00Z");

    @Test
    void aBodyDeclaredGzipThatIsNotIs400WithAJsonBody() {
        asAdmin().header("Content-Encoding", "gzip").body(record("hi-not-gzip", 0)).post("/events")
                .then().statusCode(400).body("error", equalTo("not_gzip")).body("message", containsString("Content-Encoding: gzip"));
        asAdmin().header("Content-Encoding", "br").body(record("hi-brotli", 0)).post("/events")
                .then().statusCode(415).body("error", equalTo("unsupported_content_encoding"));
        asAdmin().header("Content-Encoding", "gzip").body(gzip(record("hi-gzip", 0))).post("/events")
                .then().statusCode(202).body("accepted", equalTo(1));
    }

    @Test
    void aGzipBombIs413WithAJsonBody() {
        // 5 MiB of spaces in a few kilobytes; the test profile allows 4 MiB
        byte[] bomb = gzip(" ".repeat(5 * 1024 * 1024) + record("hi-bomb", 0));
        assertThat(bomb.length).isLessThan(64 * 1024);

        asAdmin().header("Content-Encoding", "gzip").body(bomb).post("/events")
                .then().statusCode(413).body("error", equalTo("body_too_large")).body("message", containsString("decompressed"));
        asAdmin().body(bomb).post("/events").then().statusCode(413).body("error", equalTo("body_too_large"));
    }

    @Test
    void aSyntaxErrorInTheMiddleOfARecordsBodyCostsOneRecordAndSaysSo() {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String r = record("hi-resync-" + i, i);
            records.add(i == 250 ? r.replace("\"eventName\":", "\"eventName\" ") : r);
        }
        asAdmin().body("{\"Records\":[" + String.join(",", records) + "]}").post("/events")
                .then().statusCode(202).body("accepted", equalTo(499)).body("rejected", equalTo(1))
                .body("rejections", hasSize(1))
                .body("rejections[0].position", startsWith("line 1, record 251"))
                .body("rejections[0].reason", containsString("resumed at the next record"));
    }

    @Test
    void anUnreadableBodyIs400WithTheFirstReasonsAndWhere() {
        asAdmin().body("{\"eventTime\": \"yesterday\", \"eventName\": \"ListUsers\"}\nnot json at all\n").post("/events")
                .then().statusCode(400).body("accepted", equalTo(0)).body("rejected", equalTo(2))
                .body("message", containsString("line 1: eventTime \"yesterday\""))
                .body("rejections[0].position", equalTo("line 1"))
                .body("rejections[1].position", equalTo("line 2"))
                .body("rejections[1].reason", containsString("malformed JSON"))
                .body("deadLetterFile", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void everyBadRequestOfTheApiHasAJsonBody() {
        asViewer().queryParam("severity", "Urgent").get("/alerts")
                .then().statusCode(400).body("error", equalTo("bad_request")).body("message", containsString("Urgent"));
        asViewer().queryParam("from", "yesterday").get("/alerts")
                .then().statusCode(400).body("message", containsString("ISO-8601"));
        asViewer().queryParam("limit", "0").get("/alerts").then().statusCode(400).body("message", containsString("limit"));
        asViewer().queryParam("include", "everything").get("/alerts").then().statusCode(400).body("error", notNullValue());
        asAdmin().contentType("text/plain").body("").post("/rules/validate").then().statusCode(400).body("errors[0].message", containsString("empty"));
    }

    @Test
    void validationNeverRunsTheTextAndIsBounded() {
        String bomb = "create variable string huge = BigInteger.valueOf(3).pow(200000000).toString();\n"
                + "select * from CloudTrailEvent(eventName = huge);";
        long started = System.nanoTime();
        asAdmin().contentType("text/plain").body(bomb).post("/rules/validate").then().statusCode(422)
                .body("errors[0].message", containsString("BigInteger.pow"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a compile, not minutes of pow").isLessThan(Duration.ofSeconds(60));
        // running this initialiser would throw: validation does not run it
        asAdmin().contentType("text/plain").body("create variable int n = Integer.parseInt('not a number');\n"
                + "select * from CloudTrailEvent(eventName.length() > n);").post("/rules/validate").then().statusCode(200);

        asAdmin().contentType("text/plain").body("select * from CloudTrailEvent;\n" + "// padding\n".repeat(30_000))
                .post("/rules/validate").then().statusCode(413).body("error", equalTo("text_too_large"));
    }

    @Test
    void statusAndRulesAnswerWhileTheEngineIsHeld() throws Exception {
        CompletableFuture<Integer> status;
        CompletableFuture<Integer> rules;
        synchronized (engine.pipeline()) {
            status = CompletableFuture.supplyAsync(() -> asViewer().get("/status").statusCode());
            rules = CompletableFuture.supplyAsync(() -> asViewer().get("/rules").statusCode());
            assertThat(status.get(20, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(rules.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        }
    }

    @Test
    void readinessSaysWhenTheEngineCannotTakeEvents() {
        synchronized (engine.pipeline()) {
            // the engine-busy timeout is 1 s in the test profile: readiness goes DOWN while the lock is held
            Response ready = await(() -> given().get("/q/health/ready"), r -> r.statusCode() == 503);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.jsonPath().getBoolean("checks.find { it.name == 'engine' }.data.takesEvents")).isFalse();
            given().get("/q/health/live").then().statusCode(200);
        }
        Response ready = await(() -> given().get("/q/health/ready"), r -> r.statusCode() == 200);
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    private static Response await(Supplier<Response> call, java.util.function.Predicate<Response> until) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Response last = call.get();
        while (!until.test(last) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            last = call.get();
        }
        return last;
    }

    private static String record(String id, int second) {
        return CloudTrailJson.record(id, T.plusSeconds(second), "GetCallerIdentity", "AIDAHOSTILE", "hostile", "10.0.0.8");
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
