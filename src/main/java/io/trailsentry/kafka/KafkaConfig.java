package io.trailsentry.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Kafka in and out, {@code trailsentry.kafka.*}. The broker, topics and client settings are the
 * SmallRye Kafka connector's own ({@code kafka.bootstrap.servers}, {@code mp.messaging.*}); see README
 * "Production → Kafka".
 */
@ConfigMapping(prefix = "trailsentry.kafka")
public interface KafkaConfig {

    /**
     * Consume CloudTrail from the {@code cloudtrail} channel and write alerts and dead letters to their
     * topics. Off by default: the embedded server needs no broker. Also switches the channels on
     * ({@code mp.messaging.*.enabled} follow it in application.properties).
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * How far back, in record time, before a partition's committed offset the input is re-read when the
     * partition is assigned (start, restart, rebalance), so windows that straddle the restart are whole
     * again. Default: {@link #longestRuleWindow()} plus {@code trailsentry.engine.allowed-lateness}.
     */
    Optional<Duration> lookback();

    /** The longest window any rule keeps; the shipped rules' longest is one hour (instance credentials). */
    @WithDefault("1h")
    Duration longestRuleWindow();

    /** AlertIds remembered (the newest) to drop an alert the alerts topic already holds. */
    @WithDefault("100000")
    int alertMemory();

    /** The longest a batch waits for the broker to confirm its alerts and dead letters before the channel fails. */
    @WithDefault("3m")
    Duration sendTimeout();
}
