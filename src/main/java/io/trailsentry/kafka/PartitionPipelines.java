package io.trailsentry.kafka;

import io.trailsentry.alert.AlertSink;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.ingest.DeadLetterSink;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.ReloadStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One detection pipeline per assigned partition of the CloudTrail topic: its own event-time clock,
 * reorder buffer, windows and incidents (the Kafka Streams task model). A partition that runs ahead
 * (catching up after a restart, or simply busier) therefore never makes another partition's events
 * late, and a partition's alerts depend only on its own records in offset order: one instance or
 * several, the same input gives the same alerts. Rules and learned baselines are shared.
 *
 * <p>Everything here happens under one lock: consuming a batch (up to the broker's confirmation of
 * its alerts), replaying a lookback, assigning and revoking partitions, and the idle clock. So a
 * partition is never handed to another instance while its alerts are still in flight.
 */
final class PartitionPipelines implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PartitionPipelines.class);
    private static final int EXCERPT_BYTES = 256;

    /** Builds a live pipeline writing to the given sinks. */
    @FunctionalInterface
    interface Factory {
        DetectionPipeline create(CompiledRules rules, List<AlertSink> alertSinks, DeadLetterSink deadLetters) throws RuleLoadException;
    }

    /** One partition's pipeline, its gate, and when it last saw input (processing time, for the idle clock). */
    private static final class Partition {
        final DetectionPipeline pipeline;
        final PartitionGate gate;
        long lastInputNanos;
        long lastIdleAdvanceNanos;

        Partition(DetectionPipeline pipeline, PartitionGate gate, long now) {
            this.pipeline = pipeline;
            this.gate = gate;
            this.lastInputNanos = now;
            this.lastIdleAdvanceNanos = now;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    /** Assigned partitions whose pipeline could not be built: their records must fail, not be skipped. */
    private final Set<TopicPartition> broken = new HashSet<>();
    private final Factory factory;
    private final List<AlertSink> alertSinks;
    private final DeadLetterSink deadLetters;
    private final LongSupplier nanoClock;
    /** Where live records are kept (the server's archive), or null; lookback replays are not: they were kept when they were live. */
    private final java.util.function.Consumer<io.trailsentry.ingest.CloudTrailEvent> archive;
    private volatile CompiledRules rules;
    private boolean stopped;

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong replayedRecords = new AtomicLong();
    private final AtomicLong eventsRead = new AtomicLong();
    private final AtomicLong eventsRejected = new AtomicLong();
    private final AtomicLong skippedRecords = new AtomicLong();
    private final AtomicLong suppressedAlerts = new AtomicLong();

    PartitionPipelines(Factory factory, CompiledRules rules, List<AlertSink> alertSinks, DeadLetterSink deadLetters, LongSupplier nanoClock) {
        this(factory, rules, alertSinks, deadLetters, nanoClock, null);
    }

    PartitionPipelines(Factory factory, CompiledRules rules, List<AlertSink> alertSinks, DeadLetterSink deadLetters, LongSupplier nanoClock,
                       java.util.function.Consumer<io.trailsentry.ingest.CloudTrailEvent> archive) {
        this.archive = archive;
        this.factory = factory;
        this.rules = rules;
        this.alertSinks = List.copyOf(alertSinks);
        this.deadLetters = deadLetters;
        this.nanoClock = nanoClock;
    }

    /**
     * Builds a pipeline for each newly assigned partition, closed (replaying) until {@link #open}.
     *
     * @return the partitions that got a new pipeline (one already owned keeps its own)
     * @throws RuleLoadException when the rules cannot be deployed; the partitions are then marked
     *                           broken and their records fail the consumer rather than being skipped
     */
    Set<TopicPartition> assign(Collection<TopicPartition> assigned) throws RuleLoadException {
        lock.lock();
        try {
            Set<TopicPartition> created = new LinkedHashSet<>();
            for (TopicPartition tp : assigned) {
                if (stopped || partitions.containsKey(tp)) {
                    continue;
                }
                PartitionGate gate = new PartitionGate(alertSinks, deadLetters);
                try {
                    partitions.put(tp, new Partition(factory.create(rules, List.of(gate), gate), gate, nanoClock.getAsLong()));
                    broken.remove(tp);
                    created.add(tp);
                } catch (RuleLoadException | RuntimeException e) {
                    broken.add(tp);
                    throw e;
                }
            }
            return created;
        } finally {
            lock.unlock();
        }
    }

    /** Feeds replayed records (offsets before the committed one) to their partition's closed pipeline. */
    void replay(TopicPartition tp, List<ConsumerRecord<String, byte[]>> batch) {
        lock.lock();
        try {
            Partition partition = partitions.get(tp);
            if (partition == null) {
                throw new IllegalStateException("partition " + tp + " is not assigned");
            }
            for (ConsumerRecord<String, byte[]> record : batch) {
                ingest(partition, record);
                replayedRecords.incrementAndGet();
            }
            partition.pipeline.flush();
        } finally {
            lock.unlock();
        }
    }

    /** The replay reached the committed offset: evaluate what it left held, still silently, then go live. */
    void open(TopicPartition tp) {
        lock.lock();
        try {
            Partition partition = partitions.get(tp);
            if (partition != null && partition.gate.replaying()) {
                partition.pipeline.flush();
                partition.gate.open();
                partition.pipeline.archiveTo(archive);
                suppressedAlerts.addAndGet(partition.gate.suppressedAlerts());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops the state of partitions this instance no longer owns; their new owner rebuilds it from the topic. */
    void revoke(Collection<TopicPartition> revoked) {
        lock.lock();
        try {
            for (TopicPartition tp : revoked) {
                broken.remove(tp);
                Partition partition = partitions.remove(tp);
                if (partition != null) {
                    partition.pipeline.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Evaluates a consumed batch: every record into its partition's pipeline, then every touched
     * pipeline flushed (each event evaluated, windows left open), then {@code beforeRelease} (wait for
     * the broker to confirm the alerts and dead letters) while the lock is still held.
     */
    void consume(Iterable<ConsumerRecord<String, byte[]>> batch, Runnable beforeRelease) {
        lock.lock();
        try {
            if (stopped) {
                throw new IllegalStateException("shutting down: this batch is not acknowledged, the group's next consumer reads it again");
            }
            Set<Partition> touched = new LinkedHashSet<>();
            for (ConsumerRecord<String, byte[]> record : batch) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                Partition partition = partitions.get(tp);
                if (partition == null) {
                    if (broken.contains(tp)) {
                        throw new IllegalStateException("partition " + tp + " has no pipeline (its rules failed to deploy); not acknowledging its records");
                    }
                    // Revoked while this batch was on its way: not ours to acknowledge; the new owner reads it.
                    skippedRecords.incrementAndGet();
                    continue;
                }
                ingest(partition, record);
                records.incrementAndGet();
                touched.add(partition);
            }
            for (Partition partition : touched) {
                partition.pipeline.flush();
            }
            beforeRelease.run();
        } finally {
            lock.unlock();
        }
    }

    private void ingest(Partition partition, ConsumerRecord<String, byte[]> record) {
        partition.lastInputNanos = nanoClock.getAsLong();
        String source = record.topic() + "-" + record.partition() + "@" + record.offset();
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            partition.gate.accept(new DeadLetter(source, "offset " + record.offset(), "empty message: no CloudTrail record in it", ""));
            eventsRejected.incrementAndGet();
            return;
        }
        try {
            ReadSummary summary = partition.pipeline.ingest(value, source);
            eventsRead.addAndGet(summary.accepted());
            eventsRejected.addAndGet(summary.rejected());
        } catch (RuntimeException e) {
            // Bad input never throws (the reader dead-letters it); this is the engine failing on an
            // event. The message is set aside with the reason rather than blocking its partition for ever.
            LOG.errorf(e, "processing %s failed; the message goes to the dead letters", source);
            partition.gate.accept(new DeadLetter(source, "offset " + record.offset(), "processing failed: " + e,
                    new String(value, 0, Math.min(EXCERPT_BYTES, value.length), StandardCharsets.UTF_8)));
            eventsRejected.incrementAndGet();
        }
    }

    /**
     * Real time per partition: one that has had no input for {@code idleAfter} moves its event time on
     * with the wall clock, so its open windows close and report without waiting for its next record.
     */
    void advanceIdle(Duration idleAfter) {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            for (Partition p : partitions.values()) {
                if (p.gate.replaying() || now - p.lastInputNanos < idleAfter.toNanos()) {
                    continue;
                }
                long since = Math.max(p.lastInputNanos, p.lastIdleAdvanceNanos);
                p.pipeline.idle((now - since) / 1_000_000);
                p.lastIdleAdvanceNanos = now;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A new rule version, compiled once: swapped into every partition's pipeline, and used for partitions assigned later. */
    void swapRules(CompiledRules next) {
        lock.lock();
        try {
            rules = next;
            for (Map.Entry<TopicPartition, Partition> entry : partitions.entrySet()) {
                ReloadStatus status = entry.getValue().pipeline.reloadRules(next);
                if (!status.ok()) {
                    LOG.errorf("partition %s keeps its previous rules: %s", entry.getKey(), status.errors());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shutdown: waits for the batch in flight, closes every partition's pipeline, and refuses what
     * the channel still delivers (unacknowledged, it is read again by the group's next consumer).
     * The learned baselines are the server's, saved with it.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            stopped = true;
            revoke(new ArrayList<>(partitions.keySet()));
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return partitions.size();
        } finally {
            lock.unlock();
        }
    }

    /** Records consumed (not counting replays). */
    long records() {
        return records.get();
    }

    long replayedRecords() {
        return replayedRecords.get();
    }

    long eventsRead() {
        return eventsRead.get();
    }

    long eventsRejected() {
        return eventsRejected.get();
    }

    /** Records of partitions revoked while their batch was in flight, left for the new owner. */
    long skippedRecords() {
        return skippedRecords.get();
    }

    /** Alerts a lookback replay regenerated and kept back (already written when the input was first consumed). */
    long suppressedAlerts() {
        return suppressedAlerts.get();
    }
}
