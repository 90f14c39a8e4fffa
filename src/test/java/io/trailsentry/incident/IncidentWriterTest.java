package io.trailsentry.incident;

import io.trailsentry.alert.Alert;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static io.trailsentry.incident.TestAlerts.incident;
import static io.trailsentry.incident.TestAlerts.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The writer between the engine thread and the database: order, retries, refusals, a full queue, shutdown. */
class IncidentWriterTest {

    static final Instant T0 = Instant.parse("2026-01-20T18:00:00Z");
    /** An incident id no incident store column holds (64 characters at most): a value the database refuses. */
    static final String TOO_LONG_ID = "inc-" + "x".repeat(100);

    /** Records what it is given; fails the first {@code failures} calls, and refuses incident ids longer than the column. */
    static class FakeRepository implements IncidentRepository {
        final List<Alert> recorded = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failures;
        final AtomicInteger calls = new AtomicInteger();

        FakeRepository(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        /** Called as each write begins, on the writer thread. */
        void writing() {
        }

        @Override
        public List<IncidentChange> record(List<Alert> alerts) {
            writing();
            calls.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                throw new StoreException("database restarting", new SQLTransientConnectionException("connection refused", "08001"));
            }
            if (alerts.stream().anyMatch(a -> a.incident().incidentId() != null && a.incident().incidentId().length() > 64)) {
                throw new StoreException("bad value", new SQLException("value too long", "22001"));
            }
            recorded.addAll(alerts);
            return alerts.stream().filter(a -> Alert.INCIDENT_RULE_ID.equals(a.rule().ruleId()))
                    .map(a -> new IncidentChange(IncidentChange.CREATED, summary(a))).toList();
        }

        private static IncidentSummary summary(Alert a) {
            return new IncidentSummary(a.incident().incidentId(), a.rating().severity().name(), a.score(), a.stages(), null, a.actor().actorName(), null, a.actor().accountId(),
                    null, a.window().windowStart(), a.window().windowEnd(), List.of(), 0, 1, TriageStatus.OPEN, null, null, null, T0);
        }

        @Override
        public IncidentPage find(IncidentQuery query) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<IncidentSummary> summary(String incidentId) {
            return Optional.empty();
        }

        @Override
        public Optional<IncidentDetail> detail(String incidentId) {
            return Optional.empty();
        }

        @Override
        public Optional<IncidentSummary> triage(String incidentId, TriageStatus status, String by, String note, Instant at) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }

    /**
     * A database as slow as the test says: each write tells {@link #writing} it began and waits for a
     * permit, so the test knows where the writer is without sleeping.
     */
    static final class SlowRepository extends FakeRepository {
        final Semaphore writing = new Semaphore(0);
        final Semaphore permits = new Semaphore(0);

        SlowRepository() {
            super(0);
        }

        @Override
        void writing() {
            writing.release();
            permits.acquireUninterruptibly();
        }
    }

    @Test
    void alertsAreWrittenInOrderAndChangesPublishedButAlertsWithoutAnIncidentAreNotTheStores() throws Exception {
        FakeRepository repository = new FakeRepository(0);
        List<IncidentChange> published = Collections.synchronizedList(new ArrayList<>());
        try (IncidentWriter writer = new IncidentWriter(repository, 2000, null, Duration.ofMillis(1), published::addAll)) {
            List<Alert> sent = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                sent.add(i % 10 == 0 ? opened("inc-" + i) : signal("inc-" + (i / 10 * 10), "1", "a", "Rule", "Low", List.of("discovery"),
                        T0.plusSeconds(i), "10.0.0.1", false, "ListUsers", null));
            }
            sent.forEach(writer::submit);
            writer.submit(withoutIncident());

            assertThat(writer.awaitIdle(Duration.ofSeconds(30))).isTrue();

            assertThat(repository.recorded).containsExactlyElementsOf(sent);
            assertThat(writer.recorded()).isEqualTo(1000);
            assertThat(published).extracting(c -> c.incident().incidentId()).hasSize(100).startsWith("inc-0", "inc-10");
        }
    }

    @Test
    void aDatabaseThatIsDownIsRetriedUntilItAnswersAndNothingIsLost() throws Exception {
        FakeRepository repository = new FakeRepository(5);
        try (IncidentWriter writer = new IncidentWriter(repository, 100, null, Duration.ofMillis(1), changes -> { })) {
            Alert alert = opened("inc-retry");
            writer.submit(alert);

            assertThat(writer.awaitIdle(Duration.ofSeconds(30))).isTrue();

            assertThat(repository.recorded).containsExactly(alert);
            assertThat(writer.retries()).isEqualTo(5);
            assertThat(writer.setAside()).isZero();
        }
    }

    @Test
    void anAlertTheDatabaseRefusesIsSetAsideAndTheRestOfItsBatchIsKept() throws Exception {
        FakeRepository repository = new FakeRepository(0);
        // Queued before the writer takes them, so they travel in one batch.
        List<Alert> batch = List.of(opened("inc-a"), incident(TOO_LONG_ID, "1", "b", "Low", 10, List.of("discovery"), T0, T0,
                List.of(), List.of()), opened("inc-c"));
        try (IncidentWriter writer = new IncidentWriter(repository, 100, null, Duration.ofMillis(1), changes -> { })) {
            batch.forEach(writer::submit);

            assertThat(writer.awaitIdle(Duration.ofSeconds(30))).isTrue();

            assertThat(repository.recorded).extracting(a -> a.incident().incidentId()).containsExactly("inc-a", "inc-c");
            assertThat(writer.setAside()).isEqualTo(1);
            assertThat(writer.recorded()).isEqualTo(2);
        }
    }

    @Test
    void atShutdownWithTheDatabaseDownTheUnwrittenAlertsAreCountedNotDroppedSilently() {
        FakeRepository repository = new FakeRepository(Integer.MAX_VALUE);
        IncidentWriter writer = new IncidentWriter(repository, 100, null, Duration.ofMillis(1), changes -> { });
        writer.submit(opened("inc-1"));
        writer.submit(opened("inc-2"));

        writer.close(Duration.ofMillis(300));

        assertThat(repository.recorded).isEmpty();
        assertThat(writer.notStored(IncidentWriter.NotStored.DRAIN_TIMEOUT)).isEqualTo(2);
        writer.submit(opened("inc-3"));
        assertThat(writer.notStored(IncidentWriter.NotStored.CLOSED)).as("after close").isEqualTo(1);
    }

    @Test
    void shutdownWritesWhatIsQueuedBeforeStopping() throws Exception {
        SlowRepository repository = new SlowRepository();
        IncidentWriter writer = new IncidentWriter(repository, 100, null, Duration.ofMillis(1), changes -> { });
        writer.submit(opened("inc-1"));
        repository.writing.acquire(); // the writer holds inc-1; the next two wait in the queue
        writer.submit(opened("inc-2"));
        writer.submit(opened("inc-3"));
        assertThat(writer.pending()).isEqualTo(2);

        repository.permits.release(2);
        writer.close(Duration.ofSeconds(30));

        assertThat(repository.recorded).extracting(a -> a.incident().incidentId()).containsExactly("inc-1", "inc-2", "inc-3");
        for (IncidentWriter.NotStored reason : IncidentWriter.NotStored.values()) {
            assertThat(writer.notStored(reason)).as(reason.tag()).isZero();
        }
    }

    @Test
    void aFullQueueNeverWaitsItCountsWhatItCouldNotQueueOnceAnEpisode() throws Exception {
        SlowRepository repository = new SlowRepository();
        try (IncidentWriter writer = new IncidentWriter(repository, 2, null, Duration.ofMillis(1), changes -> { })) {
            writer.submit(opened("a-0"));
            repository.writing.acquire(); // the database is slow: the writer is stuck on a-0
            writer.submit(opened("a-1"));
            writer.submit(opened("a-2"));

            // The old writer waited here for room, holding up the engine; the test would hang, then fail.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 3; i < 8; i++) {
                    writer.submit(opened("a-" + i));
                }
            });

            assertThat(writer.pending()).isEqualTo(2);
            assertThat(writer.notStored(IncidentWriter.NotStored.QUEUE_FULL)).isEqualTo(5);
            assertThat(writer.overflowEpisodes()).as("logged once for the five").isEqualTo(1);

            repository.permits.release(2); // a-0, then a-1 and a-2 in one batch
            assertThat(writer.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(repository.recorded).extracting(a -> a.incident().incidentId()).containsExactly("a-0", "a-1", "a-2");

            // Caught up, so the next overflow is a new episode.
            repository.writing.drainPermits();
            writer.submit(opened("b-0"));
            repository.writing.acquire();
            writer.submit(opened("b-1"));
            writer.submit(opened("b-2"));
            writer.submit(opened("b-3"));

            assertThat(writer.notStored(IncidentWriter.NotStored.QUEUE_FULL)).isEqualTo(6);
            assertThat(writer.overflowEpisodes()).isEqualTo(2);

            repository.permits.release(2);
            assertThat(writer.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(repository.recorded).extracting(a -> a.incident().incidentId())
                    .containsExactly("a-0", "a-1", "a-2", "b-0", "b-1", "b-2");
            assertThat(writer.recorded()).isEqualTo(6);
            assertThat(writer.notStored(IncidentWriter.NotStored.CLOSED)).isZero();
        }
    }

    private static Alert opened(String incidentId) {
        return incident(incidentId, "1", "a", "Medium", 45, List.of("discovery"), T0, T0, List.of(), List.of());
    }

    private static Alert withoutIncident() {
        Alert a = opened("x");
        return TestAlerts.withIncident(a, a.alertId() + "-none", null);
    }
}
