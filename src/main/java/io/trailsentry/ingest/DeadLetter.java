package io.trailsentry.ingest;

/**
 * A record that could not be turned into a {@link CloudTrailEvent}, set aside with why and where.
 *
 * @param source   where it came from: a file path, {@code http}, a topic/partition
 * @param position where in the source: {@code line 12}, {@code record 3 (byte 5120)}, …
 * @param reason   what was wrong, in words an operator can act on
 * @param excerpt  the start of the offending input (capped, never the whole of a huge record)
 */
public record DeadLetter(String source, String position, String reason, String excerpt) {
}
