package io.trailsentry.ingest;

/**
 * Size limits that keep one hostile or broken record from costing unbounded memory.
 *
 * <p>A record over a limit is rejected (with the field and its size in the reason); it does not stop
 * the run. The limits also shape the Jackson {@code StreamReadConstraints} the reader uses, so a single
 * giant string or name fails fast inside the tokenizer instead of being buffered first.
 *
 * @param maxFieldChars      longest scalar field (eventName, userAgent, arn, …), in chars
 * @param maxNestedJsonChars longest {@code requestParameters}/{@code responseElements}, as compact JSON chars;
 *                           also the longest single string token anywhere in the input
 * @param maxLineBytes       longest line in JSON-lines input, in bytes
 */
public record IngestLimits(int maxFieldChars, int maxNestedJsonChars, int maxLineBytes) {

    public IngestLimits {
        if (maxFieldChars <= 0 || maxNestedJsonChars <= 0 || maxLineBytes <= 0) {
            throw new IllegalArgumentException("ingest limits must be positive: " + maxFieldChars + ", "
                    + maxNestedJsonChars + ", " + maxLineBytes);
        }
    }

    /**
     * 64 KiB per scalar field, 1 MiB per nested JSON value, 8 MiB per line: far above anything AWS
     * emits (a CloudTrail record is capped well below 1 MiB), low enough that a bad feed cannot
     * exhaust a small heap.
     */
    public static IngestLimits defaults() {
        return new IngestLimits(64 * 1024, 1024 * 1024, 8 * 1024 * 1024);
    }
}
