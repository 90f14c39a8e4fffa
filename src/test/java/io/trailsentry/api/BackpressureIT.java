package io.trailsentry.api;

import io.trailsentry.server.EngineService;
import io.trailsentry.server.EngineState;
import io.trailsentry.server.IngestGate;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static io.trailsentry.api.TestApi.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

/**
 * HTTP ingest is bounded: when every turn is taken and the engine does not free one within the
 * wait, the sender gets 429 with Retry-After and how far behind the engine is; when the engine is not
 * running, 503; a body over the limit, 413 — each counted in the metrics. The engine is made busy by
 * holding its lock from the test, not by timing.
 */
@QuarkusTest
class BackpressureIT {

    @Inject
    EngineService engine;

    @Inject
    IngestGate gate;

    @Test
    void whenTheEngineIsBehindSendersGet429WithRetryAfterAndHowFarBehind() throws Exception {
        List<CompletableFuture<Integer>> inFlight = new ArrayList<>();
        synchronized (engine.pipeline()) {
            // two requests take the two turns and block inside the engine, whose lock the test holds
            for (int i = 0; i < 2; i++) {
                String body = record("bp-in-flight-" + i);
                inFlight.add(CompletableFuture.supplyAsync(() -> asAdmin().body(body).post("/events").statusCode()));
            }
            awaitInFlight(2);

            Response refused = asAdmin().body(record("bp-refused")).post("/events");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            refused.then().body("error", equalTo("engine_busy"))
                    .body("inFlight", equalTo(2))
                    .body("engineLagSeconds", greaterThan(0f))
                    .body("message", containsString("behind"));
        }
        for (CompletableFuture<Integer> request : inFlight) {
            assertThat(request.get(30, TimeUnit.SECONDS)).as("the requests that had a turn complete").isEqualTo(202);
        }
        given().get("/q/metrics").then()
                .body(containsString("trailsentry_ingest_refused_total{reason=\"busy\",source=\"http\"}"));
    }

    @Test
    void whenTheEngineIsNotRunningSendersGet503AndReadinessIsDown() {
        engine.simulateState(EngineState.STARTING);
        try {
            asAdmin().body(record("bp-starting")).post("/events").then().statusCode(503)
                    .header("Retry-After", equalTo("5"))
                    .body("error", equalTo("engine_not_running")).body("engineState", equalTo("STARTING"))
                    .body("message", containsString("starting"));
            given().get("/q/health/ready").then().statusCode(503).body("checks.find { it.name == 'engine' }.data.state", equalTo("STARTING"));

            engine.simulateState(EngineState.STOPPED);
            asAdmin().body(record("bp-stopped")).post("/events").then().statusCode(503).body("engineState", equalTo("STOPPED"));
        } finally {
            engine.simulateState(EngineState.RUNNING);
        }
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'engine' }.data.rules", greaterThan(10))
                .body("checks.find { it.name == 'engine' }.data.statements", greaterThan(16));
        given().get("/q/health/live").then().statusCode(200).body("checks.find { it.name == 'engine-lock' }.status", equalTo("UP"));
        given().get("/q/metrics").then().body(containsString("trailsentry_ingest_refused_total{reason=\"not_running\",source=\"http\"}"));
    }

    @Test
    void aBodyOverTheLimitIs413AndNothingOfItIsIngested() {
        long before = engine.pipeline().counters("http").read();
        // 4M in the test profile; a body of records, so a partial read would have ingested some
        StringBuilder big = new StringBuilder();
        int i = 0;
        while (big.length() <= 4 * 1024 * 1024 + 1000) {
            big.append(record("bp-big-" + i++)).append('\n');
        }
        byte[] body = big.toString().getBytes(StandardCharsets.UTF_8);

        asAdmin().body(body).post("/events").then().statusCode(413)
                .body("error", equalTo("body_too_large")).body("maxBodyBytes", equalTo(4 * 1024 * 1024));
        // without a Content-Length (chunked), the limit is found while reading
        asAdmin().body(new ByteArrayInputStream(body)).post("/events").then().statusCode(413);

        assertThat(engine.pipeline().counters("http").read()).isEqualTo(before);
        given().get("/q/metrics").then().body(containsString("trailsentry_ingest_refused_total{reason=\"too_large\",source=\"http\"}"));
    }

    @Test
    void eventsAreCountedPerSource() {
        // a repeated eventID is dropped as a duplicate (no broken record here: ServerIT counts the app's rejections)
        asAdmin().body(record("bp-source-1") + "\n" + record("bp-source-1")).post("/events").then().statusCode(202);
        given().get("/q/metrics").then()
                .body(containsString("trailsentry_events_read_total{source=\"http\"}"))
                .body(containsString("trailsentry_events_rejected_total{source=\"http\"}"))
                .body(containsString("trailsentry_events_duplicates_total{source=\"http\"}"))
                .body(containsString("trailsentry_events_late_total{source=\"inbox\"}"));
        assertThat(engine.pipeline().counters("http").duplicates()).isGreaterThanOrEqualTo(1);
    }

    private void awaitInFlight(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gate.inFlight() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(gate.inFlight()).as("requests holding a turn").isEqualTo(expected);
    }

    /**
     * Early in event time on purpose: the tests of this app share one clock, and ServerIT works forward
     * from 2024-09-02; events here never push the clock past its bins.
     */
    private static String record(String id) {
        return CloudTrailJson.record(id, Instant.parse("2024-08-01T10:00:00Z"), "GetCallerIdentity", "AIDABACKPRESSURE", "bp", "10.0.0.7");
    }
}
