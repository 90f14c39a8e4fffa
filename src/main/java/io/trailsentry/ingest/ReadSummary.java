package io.trailsentry.ingest;

/**
 * What one read call did.
 *
 * @param files    sources opened (files, or 1 for a stream/payload), including unreadable ones
 * @param accepted records delivered as {@link CloudTrailEvent}s
 * @param rejected dead letters emitted; one per bad record, bad line, or unreadable/unparseable rest of a source
 */
public record ReadSummary(long files, long accepted, long rejected) {

    public static final ReadSummary EMPTY = new ReadSummary(0, 0, 0);

    public ReadSummary plus(ReadSummary other) {
        return new ReadSummary(files + other.files, accepted + other.accepted, rejected + other.rejected);
    }
}
