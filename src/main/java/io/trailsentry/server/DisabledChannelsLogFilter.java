package io.trailsentry.server;

import io.quarkus.logging.LoggingFilter;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * With Kafka off (the default), SmallRye Reactive Messaging warns at every start that the Kafka
 * channels' emitters and consumer are connected to nothing (SRMSG00207) — they are switched off on
 * purpose. That one message is dropped while Kafka is off, so a default start logs no warning; with
 * Kafka on it would mean a real wiring mistake and is kept.
 */
@LoggingFilter(name = "disabled-kafka-channels")
public final class DisabledChannelsLogFilter implements Filter {

    private final boolean kafkaEnabled;

    public DisabledChannelsLogFilter(@ConfigProperty(name = "trailsentry.kafka.enabled", defaultValue = "false") boolean kafkaEnabled) {
        this.kafkaEnabled = kafkaEnabled;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (kafkaEnabled) {
            return true;
        }
        String message = record.getMessage();
        return message == null || !message.startsWith("SRMSG00207");
    }
}
