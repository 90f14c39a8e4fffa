package io.trailsentry.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads what a newly assigned partition needs before it goes live, with a consumer of its own (no
 * group, nothing committed): the input just before the committed offset, to rebuild the windows a
 * restart or a rebalance cut through, and the alerts topic's recent alertIds, so alerts regenerated
 * from replayed input are recognised.
 *
 * <p>Times are Kafka record timestamps (producer time), not CloudTrail's eventTime: the topic is
 * indexed by them. CloudTrail reaches a producer minutes after the call at most, so a lookback of
 * the longest window plus the allowed lateness covers the events a window needs.
 */
final class LookbackReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * Records {@code [from, to)} of a partition: {@code to} is the committed offset, {@code from} the
     * first record at or after {@code sinceTimestamp} (the last committed record's timestamp minus the lookback).
     */
    record Range(TopicPartition partition, long from, long to, long sinceTimestamp) {
        long size() {
            return to - from;
        }
    }

    private final Consumer<String, byte[]> consumer;
    private final Duration lookback;
    private final Duration timeout;

    /**
     * @param timeout the longest any broker call, or a read making no progress, may take
     */
    LookbackReader(Consumer<String, byte[]> consumer, Duration lookback, Duration timeout) {
        this.consumer = consumer;
        this.lookback = lookback;
        this.timeout = timeout;
    }

    /** What to replay before {@code committed}; empty when there is nothing before it (a new group, an emptied topic). */
    Optional<Range> rangeBefore(TopicPartition tp, long committed) {
        long beginning = consumer.beginningOffsets(List.of(tp), timeout).getOrDefault(tp, 0L);
        if (committed <= beginning) {
            return Optional.empty();
        }
        OptionalLong last = timestampBefore(tp, committed, beginning);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        long since = last.getAsLong() - lookback.toMillis();
        OffsetAndTimestamp first = consumer.offsetsForTimes(Map.of(tp, Math.max(0, since)), timeout).get(tp);
        long from = first == null ? committed : Math.max(beginning, Math.min(first.offset(), committed));
        return Optional.of(new Range(tp, from, committed, since));
    }

    /** The timestamp of the last record before {@code committed} (read from a few records back, past transaction markers). */
    private OptionalLong timestampBefore(TopicPartition tp, long committed, long beginning) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, Math.max(beginning, committed - 64));
        long lastTimestamp = Long.MIN_VALUE;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp) < committed && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL).records(tp)) {
                if (record.offset() < committed) {
                    lastTimestamp = record.timestamp();
                }
            }
        }
        return lastTimestamp == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(lastTimestamp);
    }

    /**
     * Hands the range's records to {@code batches}, one poll at a time, in offset order.
     *
     * @return records read
     * @throws LookbackException when the broker makes no progress for the timeout
     */
    long read(Range range, java.util.function.Consumer<List<ConsumerRecord<String, byte[]>>> batches) {
        TopicPartition tp = range.partition();
        consumer.assign(List.of(tp));
        consumer.seek(tp, range.from());
        long read = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp) < range.to()) {
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL).records(tp)) {
                if (record.offset() < range.to()) {
                    batch.add(record);
                }
            }
            if (!batch.isEmpty()) {
                batches.accept(batch);
                read += batch.size();
                deadline = System.nanoTime() + timeout.toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new LookbackException("reading " + tp + " made no progress at offset " + consumer.position(tp)
                        + " (replaying up to " + range.to() + ") within " + timeout);
            }
        }
        return read;
    }

    /**
     * The alertIds on {@code topic} in records stamped at or after {@code sinceTimestamp}, read up to
     * the topic's end as it is now. An absent topic has none.
     */
    Set<String> alertIdsSince(String topic, long sinceTimestamp) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        Set<String> ids = new HashSet<>();
        if (infos == null || infos.isEmpty()) {
            return ids;
        }
        List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, Math.max(0, sinceTimestamp)));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> ends = consumer.endOffsets(tps, timeout);
        consumer.assign(tps);
        List<TopicPartition> unread = new ArrayList<>();
        for (TopicPartition tp : tps) {
            OffsetAndTimestamp start = starts.get(tp);
            if (start != null && start.offset() < ends.get(tp)) {
                consumer.seek(tp, start.offset());
                unread.add(tp);
            }
        }
        consumer.assign(unread);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!unread.isEmpty()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
            for (ConsumerRecord<String, byte[]> record : records) {
                alertIdOf(record.value()).ifPresent(ids::add);
            }
            if (!records.isEmpty()) {
                deadline = System.nanoTime() + timeout.toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new LookbackException("reading alert ids from " + unread + " made no progress within " + timeout);
            }
            unread.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
            consumer.assign(unread);
        }
        return ids;
    }

    static Optional<String> alertIdOf(byte[] alertJson) {
        if (alertJson == null) {
            return Optional.empty();
        }
        try {
            JsonNode id = JSON.readTree(alertJson).get("alertId");
            return id != null && id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
        } catch (IOException notAnAlert) {
            return Optional.empty(); // someone else's message on the topic: nothing to remember
        }
    }

    /** The broker did not deliver what the lookback needs in time. */
    static final class LookbackException extends RuntimeException {
        LookbackException(String message) {
            super(message);
        }
    }
}
