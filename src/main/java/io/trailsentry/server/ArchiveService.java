package io.trailsentry.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.trailsentry.archive.ArchiveSettings;
import io.trailsentry.archive.ArchiveStats;
import io.trailsentry.archive.EventArchive;
import io.trailsentry.config.ArchiveConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The server's event archive ({@code trailsentry.archive.*}): started by {@link EngineService} before
 * input flows, fed by every live pipeline (HTTP, inbox, each Kafka partition once its lookback is
 * over), closed after the engine at shutdown, reported in {@code GET /status} and
 * {@code trailsentry_archive_*} metrics. An archive folder that cannot be used is logged and the server
 * runs without one: detection does not depend on it.
 */
@ApplicationScoped
public class ArchiveService {

    private static final Logger LOG = Logger.getLogger(ArchiveService.class);

    private final ArchiveConfig config;
    private final MeterRegistry registry;
    private volatile EventArchive archive;
    private volatile String startError;

    ArchiveService(ArchiveConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /** Opens the archive (once); null when it is off or its folder cannot be used. */
    synchronized EventArchive start() {
        if (archive != null || !config.enabled()) {
            return archive;
        }
        try {
            archive = new EventArchive(new ArchiveSettings(config.dir(), config.retention(), config.maxSize().asLongValue(),
                    config.queueCapacity()));
        } catch (RuntimeException e) {
            startError = e.getMessage();
            LOG.errorf("archive off: %s. Ingested events are not kept for backtests; detection is not affected", e.getMessage());
            return null;
        }
        registerMetrics(archive);
        LOG.infof("archiving ingested events to %s (retention %s, at most %s)", config.dir().toAbsolutePath(), config.retention(),
                config.maxSize().asLongValue() + " bytes");
        return archive;
    }

    /** After the engine stopped taking input (its observer runs at the default priority, before this one). */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) ShutdownEvent ignored) {
        EventArchive current = archive;
        if (current != null) {
            current.close();
        }
    }

    public Optional<EventArchive> archive() {
        return Optional.ofNullable(archive);
    }

    public ArchiveStats stats() {
        EventArchive current = archive;
        if (current != null) {
            return current.stats();
        }
        ArchiveStats off = ArchiveStats.disabled();
        return startError == null ? off : new ArchiveStats(false, config.dir().toAbsolutePath().toString(), 0, 0, 0, true, startError,
                0, 0, null, null, 0, 0);
    }

    /** Closes the open parts so a reader sees everything archived so far; false when the writer did not get there in time. */
    public boolean closeOpenFiles(Duration timeout) {
        EventArchive current = archive;
        return current == null || current.closeOpenFiles(timeout);
    }

    private void registerMetrics(EventArchive a) {
        counter("written", a, s -> s.written(), "events archived");
        counter("dropped", a, s -> s.dropped(), "events not archived because the writer was behind (slow disk)");
        counter("failed", a, s -> s.failed(), "events not archived because writing failed (full or broken disk)");
        Gauge.builder("trailsentry.archive.bytes", a, x -> x.stats().bytes()).description("bytes the archive holds").register(registry);
        Gauge.builder("trailsentry.archive.files", a, x -> x.stats().files()).description("closed archive files").register(registry);
        Gauge.builder("trailsentry.archive.queue", a, x -> x.stats().queued()).description("events waiting for the archive writer").register(registry);
        Gauge.builder("trailsentry.archive.failing", a, x -> x.stats().failing() ? 1 : 0)
                .description("1 while archive writes fail").register(registry);
    }

    private void counter(String result, EventArchive a, ToDoubleFunction<ArchiveStats> value, String description) {
        FunctionCounter.builder("trailsentry.archive.events", a, x -> value.applyAsDouble(x.stats())).tag("result", result)
                .description(description).register(registry);
    }
}
