package io.trailsentry.incident;

import io.trailsentry.config.IncidentStoreConfig;
import io.trailsentry.config.TrailSentryConfig;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The SOC console's incidents: an {@link AlertSink} (so the engine feeds it like any sink) that keeps
 * every incident, its alerts and its triage state in the incident database, and tells subscribers
 * (the live stream) what changed. Writes happen on the {@link IncidentWriter}'s thread; reads and
 * triage go to the database directly.
 */
@Startup
@ApplicationScoped
public class IncidentStore implements AlertSink {

    private static final Logger LOG = Logger.getLogger(IncidentStore.class);

    private final IncidentStoreConfig config;
    private final TrailSentryConfig trailSentry;
    private final MeterRegistry registry;
    private final List<Consumer<IncidentChange>> listeners = new CopyOnWriteArrayList<>();
    private IncidentRepository repository;
    private IncidentWriter writer;

    IncidentStore(IncidentStoreConfig config, TrailSentryConfig trailSentry, MeterRegistry registry) {
        this.config = config;
        this.trailSentry = trailSentry;
        this.registry = registry;
    }

    /**
     * Opens the database and brings its schema up to date at start-up, so a wrong URL or a failing
     * migration stops the server with the reason.
     */
    @PostConstruct
    void open() {
        AgroalDataSource pool = IncidentDatabase.pool(config.jdbcUrl(), config.username(), config.password(), config.maxConnections());
        JdbcIncidentRepository jdbc;
        try {
            jdbc = new JdbcIncidentRepository(pool, pool, Clock.systemUTC());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        repository = jdbc;
        writer = new IncidentWriter(repository, config.queueCapacity(), trailSentry.alerts().file(), Duration.ofMillis(200),
                this::publish);
        Gauge.builder("trailsentry.incidents.pending", writer, IncidentWriter::pending)
                .description("alerts waiting to be written to the incident store").register(registry);
        FunctionCounter.builder("trailsentry.incidents.alerts.recorded", writer, IncidentWriter::recorded)
                .description("alerts written to the incident store").register(registry);
        FunctionCounter.builder("trailsentry.incidents.alerts.set.aside", writer, IncidentWriter::setAside)
                .description("alerts the incident database refused (logged with their id; still in the alert file)").register(registry);
        for (IncidentWriter.NotStored reason : IncidentWriter.NotStored.values()) {
            FunctionCounter.builder("trailsentry.incidents.alerts.not.stored", writer, w -> w.notStored(reason))
                    .tag("reason", reason.tag())
                    .description("alerts of incidents not stored (each is in the alert file): queue_full when the database "
                            + "was queue-capacity alerts behind (the engine does not wait), closed when they came during "
                            + "shutdown, drain_timeout when the database was still down as shutdown gave up").register(registry);
        }
        FunctionCounter.builder("trailsentry.incidents.write.retries", writer, IncidentWriter::retries)
                .description("incident store writes retried after a database failure").register(registry);
        IncidentSchema.Outcome schema = jdbc.schema();
        LOG.infof("incident store: %s, schema version %s (%s)", IncidentDatabase.redact(config.jdbcUrl()), schema.version(),
                schema.adopted() ? "adopted a database made before migrations, then applied " + schema.applied() + " migration(s)"
                        : schema.applied() + " migration(s) applied");
    }

    @PreDestroy
    void close() {
        if (writer != null) {
            writer.close(config.drainTimeout());
        }
        if (repository != null) {
            repository.close();
        }
    }

    @Override
    public void emit(Alert alert) {
        writer.submit(alert);
    }

    /** Tells {@code listener} every change from now on (on the writer's or the triaging thread); close to stop. */
    public AutoCloseable subscribe(Consumer<IncidentChange> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public IncidentPage find(IncidentQuery query) {
        return repository.find(query);
    }

    public Optional<IncidentDetail> detail(String incidentId) {
        return repository.detail(incidentId);
    }

    /**
     * Acknowledges or resolves an incident; the change is stored with who and when, and streamed.
     *
     * @return the incident after the change, or empty when there is no such incident
     */
    public Optional<IncidentSummary> triage(String incidentId, TriageStatus status, String by, String note) {
        Optional<IncidentSummary> after = repository.triage(incidentId, status, by, note, Instant.now());
        after.ifPresent(s -> publish(List.of(new IncidentChange(IncidentChange.TRIAGED, s))));
        return after;
    }

    /** Waits until every alert emitted so far is in the database (tests, and callers that read their own writes). */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        return writer.awaitIdle(timeout);
    }

    private void publish(List<IncidentChange> changes) {
        for (IncidentChange change : changes) {
            for (Consumer<IncidentChange> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "incident listener failed for incident %s", change.incident().incidentId());
                }
            }
        }
    }
}
