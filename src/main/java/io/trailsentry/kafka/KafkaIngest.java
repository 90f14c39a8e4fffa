package io.trailsentry.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trailsentry.server.EngineService;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.config.TrailSentryConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * CloudTrail from Kafka, at least once: a consumed batch is evaluated by its partitions' pipelines,
 * then the broker's confirmation of the alerts and dead letters it caused is awaited, and only then
 * is the batch acknowledged, so its offsets can be committed (throttled strategy: never past an
 * unacknowledged record). A crash anywhere before that replays the batch; its alerts come again with
 * the same ids and the alert sink drops those the topic already has.
 */
@ApplicationScoped
public class KafkaIngest {

    private static final Logger LOG = Logger.getLogger(KafkaIngest.class);
    /** The longest a broker call of the lookback, or a read making no progress, may take. */
    private static final Duration LOOKBACK_TIMEOUT = Duration.ofSeconds(30);
    /** How long the consumer waits for the engine to start (rule compilation) before giving up. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

    private final TrailSentryConfig.Kafka config;
    private final TrailSentryConfig trailsentry;
    private final EngineService engine;
    private final KafkaAlertSink alerts;
    private final KafkaDeadLetters deadLetters;
    private final KafkaReaders readers;
    private final MeterRegistry registry;
    private final String alertsTopic;
    private final String groupId;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicLong lookbackFailures = new AtomicLong();
    private volatile PartitionPipelines pipelines;
    private long reloadsSeen;

    KafkaIngest(TrailSentryConfig trailsentry, EngineService engine, KafkaAlertSink alerts,
                KafkaDeadLetters deadLetters, KafkaReaders readers, MeterRegistry registry,
                @ConfigProperty(name = "mp.messaging.outgoing.alerts.topic", defaultValue = KafkaChannels.ALERTS) String alertsTopic,
                @ConfigProperty(name = "mp.messaging.incoming.cloudtrail.group.id", defaultValue = "") String groupId) {
        this.config = trailsentry.kafka();
        this.trailsentry = trailsentry;
        this.engine = engine;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.readers = readers;
        this.registry = registry;
        this.alertsTopic = alertsTopic;
        this.groupId = groupId;
    }

    /** After the server's engine started (default observer priority), so the rules are compiled once and shared. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent ignored) {
        if (!config.enabled()) {
            return;
        }
        pipelines = new PartitionPipelines(engine::newBatchPipeline, engine.startRules(), engine.alertSinks(),
                deadLetters.alsoTo(engine.deadLetters()), System::nanoTime, engine.archive());
        reloadsSeen = engine.pipeline().reloadSuccesses();
        registerMetrics(pipelines);
        ready.countDown();
        LOG.infof("Kafka on: CloudTrail from channel %s (group %s), alerts to %s, lookback %s on assignment",
                KafkaChannels.CLOUDTRAIL, groupId, alertsTopic, lookback());
    }

    /**
     * Before the server's engine stops (it closes the alert and dead-letter files) and before the
     * channel does: a batch still delivered after this is refused, and read again by the next consumer.
     */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent ignored) {
        if (pipelines != null) {
            pipelines.close();
            LOG.infof("Kafka: %d record(s) consumed and %d replayed on assignment; %d alert(s) sent, %d dropped as already "
                            + "on the topic, %d kept back by replays; %d dead letter(s) sent", pipelines.records(), pipelines.replayedRecords(),
                    alerts.sent(), alerts.duplicatesDropped(), pipelines.suppressedAlerts(), deadLetters.sent());
        }
    }

    @Incoming(KafkaChannels.CLOUDTRAIL)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        PartitionPipelines partitions = awaitReady();
        // Returning acknowledges the batch; throwing (a send the broker refused) fails the channel
        // with nothing acknowledged, so a restart replays it.
        partitions.consume(records, () -> {
            alerts.awaitSent(config.sendTimeout());
            deadLetters.awaitSent(config.sendTimeout());
        });
    }

    /**
     * Partitions handed to this instance: a pipeline each, rebuilt from the records before the
     * committed offset back to (that record's timestamp − lookback) with nothing emitted, after the
     * alerts topic's recent ids are remembered. Runs on the polling thread, so nothing of these
     * partitions is consumed until it returns.
     */
    void assigned(Consumer<?, ?> group, Collection<TopicPartition> partitions) {
        PartitionPipelines pipelines = awaitReady();
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> created;
        try {
            created = pipelines.assign(partitions);
        } catch (RuleLoadException e) {
            throw new IllegalStateException("cannot deploy the rules for partitions " + partitions + ": " + e.getMessage(), e);
        }
        if (created.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long replayed = 0;
        List<LookbackReader.Range> ranges = new ArrayList<>();
        try (Consumer<String, byte[]> side = readers.create("trailsentry-lookback")) {
            Map<TopicPartition, OffsetAndMetadata> committed = group.committed(new HashSet<>(created), LOOKBACK_TIMEOUT);
            LookbackReader reader = new LookbackReader(side, lookback(), LOOKBACK_TIMEOUT);
            for (TopicPartition tp : created) {
                OffsetAndMetadata offset = committed.get(tp);
                if (offset != null) {
                    reader.rangeBefore(tp, offset.offset()).ifPresent(ranges::add);
                }
            }
            long alertsSince = ranges.stream().mapToLong(LookbackReader.Range::sinceTimestamp).min()
                    .orElse(System.currentTimeMillis()) - lookback().toMillis();
            alerts.remember(reader.alertIdsSince(alertsTopic, alertsSince));
            for (LookbackReader.Range range : ranges) {
                replayed += reader.read(range, batch -> pipelines.replay(range.partition(), batch));
            }
        } catch (RuntimeException e) {
            // Live input must not wait on a lookback that cannot be read: the partitions start with
            // what was replayed so far; a window cut by the restart may then miss its alert or repeat one.
            lookbackFailures.incrementAndGet();
            LOG.errorf(e, "lookback for %s failed; these partitions start without (all of) their windows' history", created);
        } finally {
            created.forEach(pipelines::open);
        }
        LOG.infof("partitions %s assigned: %d record(s) of lookback replayed (%s) in %d ms", created, replayed,
                ranges.stream().map(r -> r.partition() + " " + r.from() + ".." + r.to()).toList(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    void revoked(Collection<TopicPartition> partitions) {
        if (pipelines != null && !partitions.isEmpty()) {
            pipelines.revoke(partitions);
            LOG.infof("partitions %s revoked: their windows are dropped; the new owner rebuilds them from the topic", partitions);
        }
    }

    /** The configured lookback, or the longest rule window plus the allowed lateness. */
    Duration lookback() {
        return config.lookback().orElseGet(() -> config.longestRuleWindow().plus(trailsentry.engine().allowedLateness()));
    }

    /** Per partition, event time follows the wall clock when its input is idle; rule reloads follow the server's. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void everySecond() {
        PartitionPipelines current = pipelines;
        if (current == null) {
            return;
        }
        current.advanceIdle(trailsentry.engine().idleAdvanceAfter());
        followRuleReloads(current);
    }

    /**
     * The server's pipeline reloaded its rules (the folder changed, or {@code POST /rules/reload}):
     * the folder is compiled once more and swapped into every partition.
     */
    private void followRuleReloads(PartitionPipelines current) {
        long reloads = engine.pipeline().reloadSuccesses();
        if (reloads == reloadsSeen) {
            return;
        }
        reloadsSeen = reloads;
        try {
            CompiledRules next = engine.compileRules();
            current.swapRules(next);
        } catch (RuleLoadException e) {
            LOG.errorf("the rules changed again and no longer compile; Kafka partitions keep the previous rules:%n%s", e.getMessage());
        }
    }

    private PartitionPipelines awaitReady() {
        try {
            if (!ready.await(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the engine has not started within " + READY_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine to start", e);
        }
        return pipelines;
    }

    private void registerMetrics(PartitionPipelines p) {
        Gauge.builder("trailsentry.kafka.partitions", p, PartitionPipelines::size)
                .description("cloudtrail partitions assigned to this instance").register(registry);
        counter("trailsentry.kafka.records", p, PartitionPipelines::records, "records consumed (not counting lookback replays)");
        counter("trailsentry.kafka.replayed.records", p, PartitionPipelines::replayedRecords, "records re-read to rebuild windows on assignment");
        counter("trailsentry.kafka.events.read", p, PartitionPipelines::eventsRead, "CloudTrail events read from Kafka");
        counter("trailsentry.kafka.events.rejected", p, PartitionPipelines::eventsRejected, "records from Kafka set aside as dead letters");
        counter("trailsentry.kafka.alerts.suppressed", p, PartitionPipelines::suppressedAlerts, "alerts a lookback replay regenerated and kept back");
        counter("trailsentry.kafka.alerts.sent", alerts, KafkaAlertSink::sent, "alerts the broker confirmed");
        counter("trailsentry.kafka.alerts.duplicates", alerts, KafkaAlertSink::duplicatesDropped, "alerts dropped because the topic had their alertId");
        counter("trailsentry.kafka.dead.letters.sent", deadLetters, KafkaDeadLetters::sent, "dead letters the broker confirmed");
        counter("trailsentry.kafka.lookback.failures", lookbackFailures, AtomicLong::get, "assignments whose lookback could not be read");
    }

    private <T> void counter(String name, T source, ToDoubleFunction<T> value, String description) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }
}
