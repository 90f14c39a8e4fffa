package io.trailsentry.kafka;

/** The messaging channel names: configuration ({@code mp.messaging.*.<channel>.*}), code and tests use these. */
public final class KafkaChannels {

    /** Incoming CloudTrail, any shape the parser takes, one or many records a message. */
    public static final String CLOUDTRAIL = "cloudtrail";
    /** Outgoing alert JSON, keyed by actor. */
    public static final String ALERTS = "alerts";
    /** Outgoing rejected input with its source and reason. */
    public static final String DEAD_LETTER = "dead-letter";
    /** The rebalance listener that rebuilds a partition's windows when it is assigned. */
    public static final String LOOKBACK_LISTENER = "trailsentry-lookback";

    private KafkaChannels() {
    }
}
